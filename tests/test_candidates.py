"""Candidate signals: LSH buckets, identical sentences, semantic neighbours."""

from __future__ import annotations

import numpy as np
import pytest

from retold.candidates import (
    CandidateConfig,
    Candidates,
    close_sentence_pairs,
    doc_vectors,
    lexical_candidates,
    semantic_candidates,
    sentence_hash_candidates,
)


def test_lexical_candidates_pair_shared_buckets_only() -> None:
    keys = np.array([[1, 10], [1, 11], [2, 12], [3, 12], [4, 13]], dtype=np.int64)
    out = lexical_candidates(keys, Candidates())
    assert [(c.a, c.b) for c in out] == [(0, 1), (2, 3)]
    assert out.counts() == {"minhash": 2}


def test_big_buckets_become_stars() -> None:
    keys = np.zeros((10, 1), dtype=np.int64)
    out = lexical_candidates(keys, Candidates(), CandidateConfig(max_bucket=4))
    assert [(c.a, c.b) for c in out] == [(0, k) for k in range(1, 10)]


def test_sentence_hash_needs_min_shared_and_ignores_hubs() -> None:
    # docs 0 and 1 share sentences 100 and 101; 999 is in every doc (boilerplate)
    hashes = np.array([100, 101, 999, 100, 101, 999, 102, 999, 999, 100], dtype=np.int64)
    doc_of = np.array([0, 0, 0, 1, 1, 1, 2, 2, 3, 4], dtype=np.int64)
    out = sentence_hash_candidates(hashes, doc_of, Candidates(), CandidateConfig(max_df=3))
    assert [(c.a, c.b, c.shared) for c in out] == [(0, 1, 2)]


def test_close_sentence_pairs_counts_mutual_best_matches() -> None:
    va = np.eye(3, dtype=np.float32)
    vb = np.array([[1, 0, 0], [0, 0.9, 0.1], [0.6, 0.8, 0]], dtype=np.float32)
    vb /= np.linalg.norm(vb, axis=1, keepdims=True)
    assert close_sentence_pairs(va, vb, 0.95) == 2
    assert close_sentence_pairs(va, np.zeros((0, 3), np.float32), 0.5) == 0


def test_doc_vectors_are_unit_means() -> None:
    v = np.array([[1, 0], [0, 1], [1, 0]], dtype=np.float32)
    d = doc_vectors(v, np.array([0, 2, 2, 3]))
    assert np.allclose(d, [[2**-0.5, 2**-0.5], [0, 0], [1, 0]])


def test_semantic_candidates_find_neighbours_sharing_sentences() -> None:
    rng = np.random.default_rng(5)
    base = rng.standard_normal((4, 32)).astype(np.float32)
    noise = 0.1 * rng.standard_normal((4, 32)).astype(np.float32)
    other = rng.standard_normal((8, 32)).astype(np.float32)
    vectors = np.concatenate([base, base + noise, other])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    offsets = np.array([0, 4, 8, 12, 16])
    usable = np.ones(len(vectors), bool)
    cfg = CandidateConfig(k=2, min_doc_cosine=0.5, min_cosine=0.8, min_pairs=3)
    out = semantic_candidates(vectors, offsets, usable, Candidates(), cfg, threads=1)
    assert [(c.a, c.b, c.signals) for c in out] == [(0, 1, {"semantic"})]


def test_candidate_config_validation() -> None:
    with pytest.raises(ValueError, match="k must be >= 1"):
        CandidateConfig(k=0)
    with pytest.raises(ValueError, match=r"min_cosine must be in \[-1.0, 1.0\]"):
        CandidateConfig(min_cosine=2.0)

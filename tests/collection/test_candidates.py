"""Candidate signals: LSH buckets, identical sentences, semantic neighbours."""

from __future__ import annotations

import numpy as np
import pytest

from retold.collection import candidates
from retold.collection.candidates import (
    CandidateConfig,
    Candidates,
    cell_neighbour_pairs,
    close_sentence_pairs,
    doc_vectors,
    exact_neighbour_pairs,
    lexical_candidates,
    neighbour_pairs,
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


def test_a_sentence_repeated_inside_one_document_counts_once() -> None:
    # a line repeated in one article is in two documents, not four: no hub at max_df=2
    hashes = np.array([100, 5, 100, 100, 100, 8], dtype=np.int64)
    doc_of = np.array([0, 0, 0, 0, 1, 1], dtype=np.int64)
    cfg = CandidateConfig(min_shared=1, max_df=2)
    out = sentence_hash_candidates(hashes, doc_of, Candidates(), cfg)
    assert [(c.a, c.b, c.shared) for c in out] == [(0, 1, 1)]


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
    out = semantic_candidates(vectors, offsets, usable, Candidates(), cfg)
    assert [(c.a, c.b, c.signals) for c in out] == [(0, 1, {"semantic"})]


def test_sentence_check_in_threads_finds_the_pairs_of_one_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(candidates, "CHECK_PAIRS", 7)  # many parts from a small collection
    rng = np.random.default_rng(8)
    stories = rng.standard_normal((30, 5, 24)).astype(np.float32)
    # each story twice, the copy with noise of its own strength: some copies pass the check
    scale = np.linspace(0.05, 1.5, 30, dtype=np.float32)[:, None, None]
    copies = stories + scale * rng.standard_normal(stories.shape).astype(np.float32)
    vectors = np.concatenate([stories, copies]).reshape(-1, 24)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    offsets = np.arange(0, len(vectors) + 1, 5, dtype=np.int64)
    usable = rng.random(len(vectors)) > 0.1
    cfg = CandidateConfig(k=3, min_doc_cosine=0.3, nearest_cosine=0.2, min_cosine=0.5)

    def found(threads: int) -> list[tuple[int, int, int]]:
        out = semantic_candidates(vectors, offsets, usable, Candidates(), cfg, threads=threads)
        return [(c.a, c.b, c.shared) for c in out]

    one = found(1)
    assert 3 <= len(one) < 30  # some copies found, not all
    assert found(2) == one
    assert found(3) == one


def test_candidate_config_validation() -> None:
    with pytest.raises(ValueError, match="k must be >= 1"):
        CandidateConfig(k=0)
    with pytest.raises(ValueError, match=r"min_cosine must be in \[-1.0, 1.0\]"):
        CandidateConfig(min_cosine=2.0)
    with pytest.raises(ValueError, match="nearest_cosine must be <= min_doc_cosine"):
        CandidateConfig(nearest_cosine=0.9)


def _brute_neighbour_pairs(
    v: np.ndarray, k: int, min_cosine: float, nearest: float | None = None
) -> list[tuple[int, int]]:
    sims = np.round(v @ v.T, 5)
    low = min_cosine if nearest is None else nearest
    out = set()
    for i in range(len(v)):
        order = [j for j in np.lexsort((np.arange(len(v)), -sims[i])).tolist() if j != i][:k]
        out.update((min(i, j), max(i, j)) for j in order if sims[i, j] >= min_cosine)
        if order and sims[i, order[0]] >= low:  # the nearest counts from the lower floor
            out.add((min(i, order[0]), max(i, order[0])))
    return sorted(out)


@pytest.mark.parametrize("seed", range(12))
def test_exact_neighbour_pairs_equal_brute_force_for_any_block_size(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 120))
    v = rng.standard_normal((n, 6)).astype(np.float32)
    if seed % 3 == 0:
        v[: n // 2] = v[0]  # a crowd of identical documents: ranks decide, ties by position
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    k, t = int(rng.integers(1, 5)), float(rng.uniform(0.0, 0.9))
    want = _brute_neighbour_pairs(v, k, t)
    low = t - float(rng.uniform(0.0, 0.5))
    want_nearest = _brute_neighbour_pairs(v, k, t, low)
    for block_bytes in (4 * n, 4 * n * 7, 1 << 27):  # one row, seven rows, all rows a block
        assert exact_neighbour_pairs(v, k, t, block_bytes=block_bytes) == want
        got = exact_neighbour_pairs(v, k, t, block_bytes=block_bytes, nearest_cosine=low)
        assert got == want_nearest


def test_neighbour_pairs_switch_to_cells_above_the_exact_limit() -> None:
    rng = np.random.default_rng(3)
    base = rng.standard_normal((40, 16)).astype(np.float32)
    v = np.concatenate([base, base + 0.01 * rng.standard_normal((40, 16)).astype(np.float32)])
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    exact = neighbour_pairs(v, 1, 0.9)
    assert exact == [(i, i + 40) for i in range(40)]
    assert neighbour_pairs(v, 1, 0.9, exact_limit=10) == exact  # easy for the cells too


def test_a_documents_nearest_counts_from_the_lower_cosine_in_both_searches() -> None:
    eye = np.eye(60, dtype=np.float32)
    base = eye[:30] + 0.05 * eye[(np.arange(30) + 1) % 30]  # each a little like the next
    far = eye[:30] + 0.9 * eye[30:]  # drifted copies: cosine 0.74 with their source
    v = np.concatenate([base, far])
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    pairs = {(i, i + 30) for i in range(30)}
    assert not pairs & set(neighbour_pairs(v, 3, 0.8))
    exact = neighbour_pairs(v, 3, 0.8, nearest_cosine=0.4)
    assert set(exact) == pairs  # the sources' other, weaker neighbours stay out
    assert neighbour_pairs(v, 3, 0.8, exact_limit=10, nearest_cosine=0.4) == exact


def test_candidates_round_trip_through_arrays() -> None:
    out = Candidates()
    out.add(3, 1, "minhash")
    out.add(1, 3, "semantic", 4)
    out.add(0, 2, "sentence-hash", 2)
    back = Candidates.from_arrays(out.to_arrays())
    assert [(c.a, c.b, c.signals, c.shared) for c in back] == [
        (c.a, c.b, c.signals, c.shared) for c in out
    ]
    assert len(Candidates.from_arrays(Candidates().to_arrays())) == 0


def test_identical_vectors_search_once_and_do_not_hide_the_document_they_copy() -> None:
    # forty documents with one vector and one close to it: each of the forty would otherwise
    # take its k neighbours from its own crowd and never meet the other document
    crowd = np.tile(np.array([[1.0, 0.0, 0.0]], np.float32), (40, 1))
    near = np.array([[0.95, 0.31, 0.0]], np.float32)
    far = np.array([[0.0, 0.0, 1.0]], np.float32)
    v = np.concatenate([crowd, near, far])
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    pairs = neighbour_pairs(v, 3, 0.8)
    assert (0, 40) in pairs
    assert {(0, m) for m in range(1, 40)} <= set(pairs)
    assert len(pairs) == 40  # a star, not 40 x 3 crowd pairs
    assert not any(41 in p for p in pairs)


def test_no_semantic_pair_is_proposed_inside_a_crowd_the_lexical_pairs_join() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(size=(6, 16)).astype(np.float32)
    docs = [base + rng.normal(scale=0.01, size=base.shape).astype(np.float32) for _ in range(60)]
    docs.append(base[::-1].copy())  # the story with its sentences reordered: outside the crowd
    vectors = np.concatenate(docs)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    offsets = np.arange(0, 6 * 62, 6, dtype=np.int64)
    usable = np.ones(len(vectors), bool)
    cfg = CandidateConfig(max_bucket=50)

    def semantic(out: Candidates) -> set[tuple[int, int]]:
        semantic_candidates(vectors, offsets, usable, out, cfg)
        return {(c.a, c.b) for c in out if "semantic" in c.signals}

    inside = {(a, b) for a, b in semantic(Candidates()) if b < 60}
    assert len(inside) > 59  # without lexical pairs the crowd pairs up semantically
    star = Candidates()
    for m in range(1, 60):
        star.add(0, m, "minhash")
    found = semantic(star)
    assert found and all(b == 60 for _, b in found)  # only the document outside the crowd
    small = Candidates()
    for m in range(1, 30):  # 30 documents joined: under max_bucket, not a crowd
        small.add(0, m, "minhash")
    assert any(b < 60 for _, b in semantic(small))


def test_cell_search_finds_close_pairs_in_a_large_collection_and_repeats_itself() -> None:
    rng = np.random.default_rng(11)
    topics = rng.standard_normal((50, 32)).astype(np.float32)
    v = topics[rng.integers(0, 50, 3000)] + 0.8 * rng.standard_normal((3000, 32)).astype(np.float32)
    copies = rng.choice(3000, 200, replace=False)
    v[copies[100:]] = v[copies[:100]] + 0.05 * rng.standard_normal((100, 32)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    planted = {
        tuple(sorted((int(a), int(b)))) for a, b in zip(copies[:100], copies[100:], strict=True)
    }
    exact = set(exact_neighbour_pairs(v, 4, 0.9, nearest_cosine=0.6))
    cells = cell_neighbour_pairs(v, 4, 0.9, nearest_cosine=0.6, probes=4, block=5000)
    assert planted <= exact and planted <= set(cells)
    assert len(set(cells) & exact) >= 0.95 * len(exact)
    assert cell_neighbour_pairs(v, 4, 0.9, nearest_cosine=0.6, probes=4, block=5000) == cells

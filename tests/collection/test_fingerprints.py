"""MinHash estimates, LSH parameters and the banding S-curve."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from retold.collection.fingerprints import (
    LSHConfig,
    MinHashConfig,
    band_keys,
    estimate_jaccard,
    optimal_params,
    shingles,
    signatures,
)

VOCAB = [f"w{i}" for i in range(5000)]


def _pair(jaccard: float, n: int, rng: random.Random) -> tuple[str, str]:
    """Two texts of unique words whose 1-gram shingle sets have the given Jaccard."""
    words = rng.sample(VOCAB, 2 * n)
    shared = round(2 * n * jaccard / (1 + jaccard))
    a = words[:n]
    b = a[:shared] + words[n : 2 * n - shared]
    return " ".join(a), " ".join(b)


@pytest.mark.parametrize(
    ("threshold", "expected"), [(0.3, (37, 3)), (0.5, (25, 5)), (0.7, (14, 9)), (0.9, (5, 25))]
)
def test_optimal_params_match_the_standard_computation(
    threshold: float, expected: tuple[int, int]
) -> None:
    assert optimal_params(threshold, 128) == expected


def test_lsh_config_derives_and_validates() -> None:
    cfg = LSHConfig(threshold=0.5, num_perm=128)
    assert (cfg.bands, cfg.rows) == (25, 5)
    assert cfg.probability(0.9) > 0.99 and cfg.probability(0.1) < 0.01
    with pytest.raises(ValueError, match=r"threshold must be in \[0.0, 1.0\]"):
        LSHConfig(threshold=1.5)
    with pytest.raises(ValueError, match="bands \\* rows must be <= num_perm"):
        LSHConfig(bands=20, rows=10, num_perm=128)
    with pytest.raises(ValueError, match="give both bands and rows"):
        LSHConfig(bands=4)
    with pytest.raises(ValueError, match="num_perm must be in"):
        MinHashConfig(num_perm=4)


def test_shingles() -> None:
    assert shingles("The storm hit the coast.", 3) == [
        "the storm hit",
        "storm hit the",
        "hit the coast",
    ]
    assert shingles("Two words", 5) == ["two words"]
    assert shingles("", 5) == []


@pytest.mark.parametrize("jaccard", [0.2, 0.5, 0.8])
def test_minhash_estimate_within_statistical_bounds(jaccard: float) -> None:
    rng = random.Random(7)
    cfg = MinHashConfig(num_perm=256, ngram=1, seed=3)
    errors = []
    for _ in range(20):
        a, b = _pair(jaccard, 200, rng)
        true = len(set(a.split()) & set(b.split())) / len(set(a.split()) | set(b.split()))
        sig = signatures([a, b], cfg)
        errors.append(estimate_jaccard(sig[0], sig[1]) - true)
    sd = math.sqrt(jaccard * (1 - jaccard) / cfg.num_perm)
    assert max(abs(e) for e in errors) < 4.5 * sd
    assert abs(float(np.mean(errors))) < 3 * sd / math.sqrt(len(errors)) + 0.01


def test_identical_texts_have_identical_signatures_and_empty_text_is_handled() -> None:
    sig = signatures(["a b c d e f", "a b c d e f", ""], MinHashConfig())
    assert (sig[0] == sig[1]).all()
    assert (sig[2] == np.iinfo(np.uint32).max).all()


def test_band_collisions_follow_the_s_curve() -> None:
    rng = random.Random(11)
    mh = MinHashConfig(num_perm=128, ngram=1, seed=1)
    lsh = LSHConfig(threshold=0.5, num_perm=128)
    for jaccard in (0.2, 0.8):
        hits = 0
        trials = 60
        for _ in range(trials):
            a, b = _pair(jaccard, 150, rng)
            keys = band_keys(signatures([a, b], mh), lsh)
            hits += bool((keys[0] == keys[1]).any())
        p = lsh.probability(jaccard)
        assert abs(hits / trials - p) < 4 * math.sqrt(p * (1 - p) / trials) + 0.05


def test_band_keys_shape_and_band_separation() -> None:
    lsh = LSHConfig(threshold=0.5, num_perm=128)
    sig = np.zeros((2, 128), dtype=np.uint32)
    keys = band_keys(sig, lsh)
    assert keys.shape == (2, lsh.bands)
    assert len(set(keys[0].tolist())) == lsh.bands  # equal bands still get distinct keys
    with pytest.raises(ValueError, match="cannot hold"):
        band_keys(np.zeros((2, 16), np.uint32), lsh)

"""MinHash fingerprints over word n-gram shingles, and the LSH band keys they hash into.

``MinHashConfig`` fixes how signatures are computed (``num_perm``, ``ngram``, ``seed``);
``LSHConfig`` fixes how they are banded (``threshold``, ``bands``, ``rows``). When ``bands`` and
``rows`` are not given they are derived from the threshold by minimising the weighted sum of
false-positive and false-negative probability of the S-curve ``1 - (1 - s**rows)**bands``, the
same computation as datasketch's ``MinHashLSH``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import rensa

from retold.normalize import words

Signatures = npt.NDArray[np.uint32]
BandKeys = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MinHashConfig:
    """How MinHash signatures are computed.

    Attributes:
        num_perm: Number of hash permutations (signature length).
        ngram: Words per shingle.
        seed: Seed of the permutations; signatures are only comparable with the same seed.
    """

    num_perm: int = 128
    ngram: int = 5
    seed: int = 42

    def __post_init__(self) -> None:
        if not 16 <= self.num_perm <= 1024:
            raise ValueError("num_perm must be in [16, 1024]")
        if not 1 <= self.ngram <= 13:
            raise ValueError("ngram must be in [1, 13]")
        if self.seed < 0:
            raise ValueError("seed must be >= 0")


def _integrate(f: object, a: float, b: float, steps: int = 200) -> float:
    xs = np.linspace(a, b, steps + 1)
    ys = f(xs)  # type: ignore[operator]
    return float(np.trapezoid(ys, xs))


def false_positive_probability(threshold: float, bands: int, rows: int) -> float:
    """Area under the S-curve below the threshold (pairs proposed though less similar)."""
    return _integrate(lambda s: 1 - (1 - s**rows) ** bands, 0.0, threshold)


def false_negative_probability(threshold: float, bands: int, rows: int) -> float:
    """Area above the S-curve over the threshold (pairs missed though similar enough)."""
    return _integrate(lambda s: (1 - s**rows) ** bands, threshold, 1.0)


@lru_cache(maxsize=64)
def optimal_params(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """``(bands, rows)`` with ``bands * rows <= num_perm`` minimising weighted FP + FN area.

    Example:
        >>> optimal_params(0.5, 128)
        (25, 5)
    """
    best, opt = float("inf"), (1, num_perm)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            err = fp_weight * false_positive_probability(
                threshold, b, r
            ) + fn_weight * false_negative_probability(threshold, b, r)
            if err < best:
                best, opt = err, (b, r)
    return opt


@dataclass(frozen=True)
class LSHConfig:
    """How signatures are banded into candidate buckets.

    Attributes:
        threshold: Jaccard similarity the banding is tuned for.
        num_perm: Signature length the bands are cut from (must match ``MinHashConfig``).
        bands: Number of bands; derived from ``threshold`` when 0.
        rows: Rows per band; derived from ``threshold`` when 0.
    """

    threshold: float = 0.5
    num_perm: int = 128
    bands: int = 0
    rows: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError("threshold must be in [0.0, 1.0]")
        if (self.bands == 0) != (self.rows == 0):
            raise ValueError("give both bands and rows, or neither to derive them from threshold")
        if self.bands < 0 or self.rows < 0:
            raise ValueError("bands and rows must be >= 1")
        if self.bands == 0:
            b, r = optimal_params(round(self.threshold, 4), self.num_perm)
            object.__setattr__(self, "bands", b)
            object.__setattr__(self, "rows", r)
        if self.bands * self.rows > self.num_perm:
            raise ValueError(
                f"bands * rows must be <= num_perm ({self.bands} * {self.rows} > {self.num_perm})"
            )

    def probability(self, similarity: float) -> float:
        """Chance that two documents of this Jaccard similarity share at least one band."""
        return float(1 - (1 - similarity**self.rows) ** self.bands)


def shingles(text: str, ngram: int) -> list[str]:
    """Word n-grams of the folded text; a text shorter than ``ngram`` words is one shingle.

    Example:
        >>> shingles("The Storm hit the coast.", 3)
        ['the storm hit', 'storm hit the', 'hit the coast']
    """
    return token_shingles(words(text), ngram)


def token_shingles(toks: Sequence[str], ngram: int) -> list[str]:
    """Word n-grams of an already tokenised text (see ``shingles``)."""
    if len(toks) <= ngram:
        return [" ".join(toks)] if toks else []
    # the i-th of n shifted copies runs out first: zip stops at the last whole n-gram
    return list(map(" ".join, zip(*(toks[i:] for i in range(ngram)), strict=False)))


def signatures(texts: Iterable[str], config: MinHashConfig) -> Signatures:
    """MinHash signatures, one row of ``num_perm`` uint32 per text.

    An empty text gets an all-max row, which matches nothing but other empty texts.
    """
    return token_signatures((words(text) for text in texts), config)


def token_signatures(token_lists: Iterable[Sequence[str]], config: MinHashConfig) -> Signatures:
    """``signatures`` of already tokenised texts (callers that fold the text once)."""
    rows = []
    empty = [np.iinfo(np.uint32).max] * config.num_perm
    for toks in token_lists:
        sh = token_shingles(toks, config.ngram)
        if not sh:
            rows.append(empty)
            continue
        m = rensa.RMinHash(num_perm=config.num_perm, seed=config.seed)
        m.update(sh)
        rows.append(m.digest())
    if not rows:
        return np.zeros((0, config.num_perm), dtype=np.uint32)
    return np.asarray(rows, dtype=np.uint32)


def estimate_jaccard(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Share of equal signature slots, an unbiased estimate of the shingle-set Jaccard."""
    return float(np.mean(np.asarray(a) == np.asarray(b)))


@lru_cache(maxsize=8)
def _band_multipliers(num_perm: int) -> npt.NDArray[np.uint64]:
    rng = np.random.default_rng(0x5EED)
    return rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)


def band_keys(sigs: Signatures, lsh: LSHConfig) -> BandKeys:
    """One 64-bit key per (document, band); equal keys in the same column share a bucket.

    The key mixes the band number in, so keys of different bands never collide and can live in
    one table column.
    """
    if sigs.ndim != 2 or sigs.shape[1] < lsh.bands * lsh.rows:
        raise ValueError(
            f"signatures of width {sigs.shape[-1]} cannot hold {lsh.bands} bands of {lsh.rows}"
        )
    n = sigs.shape[0]
    mult = _band_multipliers(sigs.shape[1])
    used = lsh.bands * lsh.rows
    with np.errstate(over="ignore"):
        prod = sigs[:, :used].astype(np.uint64) * mult[:used]
        keys = prod.reshape(n, lsh.bands, lsh.rows).sum(axis=2, dtype=np.uint64)
        keys ^= np.arange(lsh.bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return keys.view(np.int64)


def band_keys_of(texts: Sequence[str], minhash: MinHashConfig, lsh: LSHConfig) -> BandKeys:
    """Signatures and band keys in one go (for queries)."""
    return band_keys(signatures(texts, minhash), lsh)

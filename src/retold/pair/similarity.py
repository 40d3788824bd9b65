"""Sentence similarity: lexical and embedding signals blended into block similarity matrices.

Pure maths: the caller passes embeddings in, so everything here runs without a model. A *block*
is a run of 1..3 consecutive sentences; ``BlockSims`` holds, for every block shape (k, l) the
aligner may use, a matrix whose cell (i, j) is the similarity of A[i:i+k] with B[j:j+l].
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from retold.normalize import fold, words

Matrix = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]

SHAPES: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1))

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves said says say according one two would could may might must shall
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly")


@lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """A light suffix stripper so that inflections match (``determined`` ~ ``determine``).

    Example:
        >>> [stem(w) for w in ["determined", "determine", "meetings", "hunts"]]
        ['determin', 'determin', 'meet', 'hunt']
    """
    if word[:1].isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


_POSSESSIVE = re.compile(r"'s?$")


@lru_cache(maxsize=1 << 18)
def _term(word: str) -> str:
    w = _POSSESSIVE.sub("", word)
    return stem(w) if w and w not in STOPWORDS else ""


def content_terms(text: str) -> list[str]:
    """Stemmed content words of a text (stop words and possessive endings removed)."""
    return [t for t in map(_term, words(text)) if t]


@dataclass(frozen=True)
class SentenceFeatures:
    """What the similarity functions need about each sentence of one side."""

    folded: list[str]
    terms: list[frozenset[str]]
    vectors: Matrix
    lengths: npt.NDArray[np.float32]

    @classmethod
    def build(cls, texts: Sequence[str], vectors: Matrix) -> SentenceFeatures:
        if len(texts) != len(vectors):
            raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
        terms = [frozenset(content_terms(t)) for t in texts]
        lengths = np.array([max(1, len(t.split())) for t in texts], dtype=np.float32)
        return cls([fold(t) for t in texts], terms, np.asarray(vectors, np.float32), lengths)

    def __len__(self) -> int:
        return len(self.folded)


@dataclass(frozen=True)
class Weights:
    """How lexical and embedding similarity blend.

    Attributes:
        lexical: Weight of the content-word Dice coefficient; the embedding gets ``1 - lexical``.
        floor: Embedding cosine mapped to 0 (the model's level for unrelated sentences).
    """

    lexical: float = 0.5
    floor: float = 0.45

    def __post_init__(self) -> None:
        if not 0.0 <= self.lexical <= 1.0:
            raise ValueError("lexical weight must be in [0.0, 1.0]")
        if not -1.0 <= self.floor < 1.0:
            raise ValueError("floor must be in [-1.0, 1.0)")


_BELOW_FLOOR = 0.05


def calibrate(cos: Matrix, floor: float) -> Matrix:
    """Map cosine from [floor, 1] onto [0.05, 1] and [-1, floor) onto [0, 0.05).

    Below the floor a pair is unrelated for the aligner, but the order is kept (no ties at 0),
    so rankings over the score stay informative.
    """
    cos = np.clip(cos, -1.0, 1.0)
    above = _BELOW_FLOOR + (1.0 - _BELOW_FLOOR) * (cos - floor) / (1.0 - floor)
    below = _BELOW_FLOOR * (cos + 1.0) / (floor + 1.0)
    return np.where(cos >= floor, above, below).astype(np.float32)


def _block_rows(
    vectors: Matrix, lengths: npt.NDArray[np.float32], k: int
) -> tuple[Matrix, npt.NDArray[np.float32]]:
    """Length-weighted sums of k consecutive unit vectors, renormalised; and summed lengths."""
    n = len(vectors) - k + 1
    if n <= 0:
        return np.zeros((0, vectors.shape[1]), np.float32), np.zeros(0, np.float32)
    weighted = vectors * lengths[:, None]
    sums = sum(weighted[o : o + n] for o in range(k))
    lens = sum(lengths[o : o + n] for o in range(k))
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (sums / norms).astype(np.float32), np.asarray(lens, np.float32)


def _binary(terms: list[frozenset[str]], vocab: dict[str, int]) -> Matrix:
    out = np.zeros((len(terms), len(vocab)), dtype=np.float32)
    for i, ts in enumerate(terms):
        for t in ts:
            out[i, vocab[t]] = 1.0
    return out


def _block_binary(binary: Matrix, k: int) -> Matrix:
    n = len(binary) - k + 1
    if n <= 0:
        return np.zeros((0, binary.shape[1]), np.float32)
    out = binary[:n].copy()
    for o in range(1, k):
        np.maximum(out, binary[o : o + n], out=out)
    return out


@dataclass(frozen=True)
class BlockSims:
    """Similarity of every block pair, per shape, plus the 1:1 signals the aligner reports.

    Attributes:
        sims: ``sims[(k, l)][i, j]`` = similarity of A[i:i+k] and B[j:j+l] in [0, 1].
        contain_a: ``[i, j]`` share of A[i]'s content words found in B[j].
        contain_b: ``[i, j]`` share of B[j]'s content words found in A[i].
    """

    sims: dict[tuple[int, int], Matrix]
    contain_a: Matrix
    contain_b: Matrix

    @property
    def shape(self) -> tuple[int, int]:
        s = self.sims[(1, 1)].shape
        return int(s[0]), int(s[1])

    @classmethod
    def from_matrix(cls, sim: npt.ArrayLike) -> BlockSims:
        """Blocks from a 1:1 matrix alone: a block scores the mean of its best 1:1 cells.

        Meant for tests and for callers that only have sentence-level scores.
        """
        s = np.asarray(sim, dtype=np.float32)
        n, m = s.shape
        sims: dict[tuple[int, int], Matrix] = {}
        for k, l in SHAPES:
            out = np.zeros((max(0, n - k + 1), max(0, m - l + 1)), np.float32)
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    block = s[i : i + k, j : j + l]
                    # each sentence of the larger side must match something in the block
                    out[i, j] = float(
                        np.mean(block.max(axis=1)) if k >= l else np.mean(block.max(axis=0))
                    )
            sims[(k, l)] = out
        return cls(sims, s.copy(), s.copy())


def block_sims(
    a: SentenceFeatures,
    b: SentenceFeatures,
    weights: Weights | None = None,
    shapes: Sequence[tuple[int, int]] = SHAPES,
) -> BlockSims:
    """Blend content-word Dice, character ratio (1:1 only) and calibrated cosine per block."""
    w = weights or Weights()
    vocab: dict[str, int] = {}
    for ts in (*a.terms, *b.terms):
        for t in ts:
            vocab.setdefault(t, len(vocab))
    bin_a, bin_b = _binary(a.terms, vocab), _binary(b.terms, vocab)
    sims: dict[tuple[int, int], Matrix] = {}
    contain_a = contain_b = np.zeros((len(a), len(b)), np.float32)
    for k, l in shapes:
        va, _ = _block_rows(a.vectors, a.lengths, k)
        vb, _ = _block_rows(b.vectors, b.lengths, l)
        ba, bb = _block_binary(bin_a, k), _block_binary(bin_b, l)
        if len(va) == 0 or len(vb) == 0:
            sims[(k, l)] = np.zeros((len(va), len(vb)), np.float32)
            continue
        inter = ba @ bb.T
        size_a, size_b = ba.sum(axis=1)[:, None], bb.sum(axis=1)[None, :]
        dice = np.where(size_a + size_b > 0, 2 * inter / np.maximum(size_a + size_b, 1), 0.0)
        emb = calibrate(va @ vb.T, w.floor)
        blend = (w.lexical * dice + (1 - w.lexical) * emb).astype(np.float32)
        if (k, l) == (1, 1):
            chars = cdist(a.folded, b.folded, scorer=fuzz.ratio, dtype=np.float32) / 100.0
            blend = np.maximum(blend, chars * chars).astype(np.float32)
            contain_a = (inter / np.maximum(size_a, 1)).astype(np.float32)
            contain_b = (inter / np.maximum(size_b, 1)).astype(np.float32)
        sims[(k, l)] = blend
    return BlockSims(sims, contain_a, contain_b)


def char_ratio(a: str, b: str) -> float:
    """Character-level similarity of two texts after folding, in [0, 1]."""
    return fuzz.ratio(fold(a), fold(b)) / 100.0

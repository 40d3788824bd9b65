"""The embedder contract: texts in, L2-normalised float32 rows out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Something that turns sentences into unit vectors.

    Attributes:
        name: Short model name reported in outputs.
        dim: Vector width.
        floor: Cosine that unrelated sentences typically reach with this model; similarities
            are rescaled from [floor, 1] to [0, 1] before blending with lexical signals.
    """

    name: str
    dim: int
    floor: float

    def encode(self, texts: Sequence[str], batch_size: int = 256) -> Vectors:
        """Return an array of shape (len(texts), dim) with unit-length rows."""
        ...


def as_stored(x: npt.NDArray[np.floating]) -> Vectors:
    """Vectors rounded to the float16 that collections store (dedup batches, the index), as
    float32: a pair compared alone then scores exactly as it does inside a collection."""
    return np.asarray(x).astype(np.float16).astype(np.float32)


def normalize_rows(x: npt.NDArray[np.floating]) -> Vectors:
    """Scale each row to unit length (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32, copy=False)

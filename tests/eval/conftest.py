"""A tiny deterministic embedder so runner tests need no model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from retold.models.base import Vectors, normalize_rows
from retold.normalize import words


class HashEmbedder:
    """Bag of hashed words: sentences sharing words get close vectors."""

    name = "hash"
    dim = 64
    floor = 0.1

    def encode(self, texts: Sequence[str], batch_size: int = 256) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in words(text):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
        return normalize_rows(out)


@pytest.fixture
def comparer():  # type: ignore[no-untyped-def]
    from retold.pair.compare import Comparer

    return Comparer(HashEmbedder())

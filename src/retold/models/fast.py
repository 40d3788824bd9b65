"""The fast default model: wordllama static embeddings, shipped inside the wordllama wheel."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retold.models.base import Vectors, normalize_rows


class WordLlamaEmbedder:
    """wordllama's 256-dimensional static embeddings (~16 MB, loaded from site-packages)."""

    name = "fast"
    dim = 256
    floor = 0.45

    def __init__(self) -> None:
        import wordllama
        from wordllama import WordLlama

        # A plain load() tries the network; the weights ship next to the package.
        self._model = WordLlama.load(
            disable_download=True, cache_dir=Path(wordllama.__file__).parent
        )

    def encode(self, texts: Sequence[str], batch_size: int = 256) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.embed(list(texts), norm=False, batch_size=batch_size)
        return normalize_rows(np.asarray(vecs))

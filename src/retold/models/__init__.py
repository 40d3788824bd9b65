"""Sentence embedding models, loaded offline from pip packages.

``get_embedder("fast")`` (wordllama, the default) or ``get_embedder("accurate")``
(all-MiniLM-L6-v2 from the ``accurate`` extra). Embedders are cached per process.
"""

from __future__ import annotations

from functools import lru_cache

from retold.errors import ConfigError
from retold.models.base import Embedder

MODEL_NAMES = ("fast", "accurate")

__all__ = ["MODEL_NAMES", "Embedder", "get_embedder"]


@lru_cache(maxsize=4)
def get_embedder(name: str = "fast") -> Embedder:
    """Return the embedder called ``name`` (``fast`` or ``accurate``), loading it once.

    Raises:
        ConfigError: for an unknown name.
        MissingDependencyError: when the accurate model's extra is not installed.
    """
    if name == "fast":
        from retold.models.fast import WordLlamaEmbedder

        return WordLlamaEmbedder()
    if name == "accurate":
        from retold.models.accurate import MiniLMEmbedder

        return MiniLMEmbedder()
    raise ConfigError(f"unknown model {name!r}: choose one of {', '.join(MODEL_NAMES)}")

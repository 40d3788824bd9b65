"""The accurate model: ONNX Runtime and a tokenizer, offline, no torch, silent, bounded input."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from retold.errors import MissingDependencyError
from retold.models import onnx


def _installed() -> bool:
    if importlib.util.find_spec("onnxruntime") is None:
        return False
    try:
        importlib.metadata.distribution(onnx.MODEL_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def needs_model(test: Callable[..., None]) -> Callable[..., None]:
    """Marks a test ``accurate`` and skips it where the extra is not installed."""
    skip = pytest.mark.skipif(not _installed(), reason="extra 'accurate' absent")
    return pytest.mark.accurate(skip(test))


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


@pytest.fixture(scope="module")
def model() -> onnx.OnnxMiniLMEmbedder:
    return onnx.OnnxMiniLMEmbedder()


def test_the_tokenizer_ships_inside_retold() -> None:
    spec = json.loads(onnx.TOKENIZER_FILE.read_text(encoding="utf-8"))
    assert spec["model"]["type"] == "WordPiece"
    assert spec["normalizer"]["lowercase"] is True
    assert len(spec["model"]["vocab"]) == 30522  # BERT uncased


def test_a_missing_model_wheel_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    def absent(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "files", absent)
    with pytest.raises(MissingDependencyError) as err:
        onnx.model_path()
    assert str(err.value) == (
        "the accurate model needs the 'accurate' extra: pip install 'retold[accurate]'"
    )


@needs_model
def test_accurate_is_the_onnx_model_and_loads_offline(no_network: None) -> None:
    from retold.models import get_embedder

    onnx.OnnxMiniLMEmbedder()  # a fresh load under the network block, not a cached one
    embedder = get_embedder("accurate")
    assert isinstance(embedder, onnx.OnnxMiniLMEmbedder)
    assert embedder.name == "accurate" and embedder.dim == 384
    assert onnx.model_path().is_file()
    assert "site-packages" in str(onnx.model_path()) or "dist-packages" in str(onnx.model_path())


@needs_model
def test_paraphrases_clear_the_floor_and_unrelated_sentences_do_not(
    model: onnx.OnnxMiniLMEmbedder,
) -> None:
    v = model.encode(
        [
            "The ferry left the harbour at dawn.",
            "At dawn the ferry left port.",
            "Shares in the bank fell sharply on Monday.",
            "The striker scored twice in the second half.",
        ]
    )
    assert v.shape == (4, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    sims = v @ v.T
    assert sims[0, 1] > model.floor + 0.3
    assert max(sims[0, 2], sims[0, 3], sims[2, 3]) < model.floor
    assert model.encode([]).shape == (0, 384)


@needs_model
def test_sorted_padded_batches_give_each_sentence_its_own_vector(
    model: onnx.OnnxMiniLMEmbedder,
) -> None:
    texts = [
        "Rain.",
        "The council approved the budget for the new tram line after a long debate.",
        "",
        "Police said two men were arrested near the station on Friday night, and a third "
        "was questioned and released without charge later in the weekend.",
        "Prices rose 3.2% in May.",
    ] * 3
    together = model.encode(texts, batch_size=4)  # mixed lengths share padded batches
    alone = np.concatenate([model.encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)
    assert np.array_equal(together[:5], together[5:10])  # order in, order out


@needs_model
def test_long_inputs_are_cut_at_the_models_length(model: onnx.OnnxMiniLMEmbedder) -> None:
    words = ["the", "harbour", "council", "met", "on", "tuesday", "to", "discuss", "a", "ferry"]
    long = " ".join(words[k % len(words)] for k in range(20_000))
    head = " ".join(words[k % len(words)] for k in range(300))  # > 128 tokens already
    ids = model.token_ids([long, head, "x" * 5_000_000])
    assert [len(i) for i in ids[:2]] == [onnx.MAX_TOKENS, onnx.MAX_TOKENS]
    assert ids[0] == ids[1]
    assert ids[2][0] == 101 and ids[2][-1] == 102  # [CLS] … [SEP] even for one huge word
    v = model.encode([long, head, "x" * 5_000_000])
    assert np.allclose(v[0], v[1], atol=1e-6)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


@needs_model
def test_the_accurate_model_prints_nothing_and_imports_no_torch(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from retold.models import get_embedder\n"
        "get_embedder('accurate').encode(['The ferry left the harbour at dawn.'])\n"
        "sys.exit(3 if {'torch', 'transformers'} & set(sys.modules) else 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (done.stdout, done.stderr) == ("", "")


@needs_model
def test_dedup_with_the_accurate_model_is_silent_under_q(tmp_path: Path) -> None:
    corpus = Path(__file__).resolve().parents[2] / "src/retold/data/demo/corpus.jsonl"
    out = tmp_path / "clusters.jsonl"
    args = ["dedup", str(corpus), "-o", str(out), "-q", "--model", "accurate"]
    done = subprocess.run(
        [sys.executable, "-m", "retold", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (done.stdout, done.stderr) == ("", "")
    assert out.stat().st_size > 0


@needs_model
def test_the_model_wheel_requires_nothing_heavy() -> None:
    assert not importlib.metadata.requires(onnx.MODEL_PACKAGE)


def test_no_torch_in_the_accurate_extra() -> None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    import tomllib

    extras = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    accurate = " ".join(extras["accurate"])
    assert "onnxruntime" in accurate and onnx.MODEL_PACKAGE.lower() in accurate.lower()
    assert "torch" not in accurate and "sentence-transformers" not in accurate

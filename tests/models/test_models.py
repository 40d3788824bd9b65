"""Models load from their pip packages with the network cut off."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from retold.errors import ConfigError, RetoldError
from retold.models import Embedder, get_embedder
from retold.models.fast import WordLlamaEmbedder


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


def _check(embedder: Embedder) -> None:
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
    # the two paths add the same rows in different orders: equal up to float rounding
    assert np.allclose(large, small, rtol=0, atol=1e-6)
    norms = np.linalg.norm(large[:700], axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)


_LONG_LINE_SCRIPT = """
import resource, sys, tracemalloc
from retold.models.fast import SPARSE_MIN, WordLlamaEmbedder

model = WordLlamaEmbedder()
model.encode(["warm up the tokenizer threads"] * 3)
with open("/proc/self/status") as f:
    vm = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))
# an unbounded path fails fast with MemoryError instead of filling the machine
resource.setrlimit(resource.RLIMIT_AS, (vm + (1 << 30), resource.RLIM_INFINITY))
words = "council harbour tram budget river bridge school farm market storm police".split()
line = " ".join(words[(i * 7) % len(words)] + str(i % 97) for i in range(300_000))
assert len(line) > 2_000_000
short = ["The council met on Monday.", "Storms hit the harbour."] * 4
tracemalloc.start()
small = model.encode(short + [line])
large = model.encode(short * (SPARSE_MIN // len(short)) + [line])
peak = tracemalloc.get_traced_memory()[1]
assert small.shape == (9, 256) and large.shape == (SPARSE_MIN + 1, 256)
print(peak)
"""


def test_fast_model_memory_stays_bounded_on_a_multi_megabyte_line() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _LONG_LINE_SCRIPT], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    peak = int(done.stdout.split()[-1])
    assert peak < 200 * 2**20  # bytes traced by numpy and Python while encoding


def test_split_long_keeps_every_word_once() -> None:
    from retold.models.fast import split_long

    text = " ".join(f"w{i}" for i in range(5000))
    pieces = split_long(text, limit=100)
    assert all(len(p) <= 100 for p in pieces)
    assert " ".join(pieces) == text
    assert split_long("short") == ["short"]


def test_fast_model_cut_text_equals_whole_text_vector() -> None:
    from retold.models import fast

    model = WordLlamaEmbedder()
    text = " ".join(["The council approved the tram line after a long debate."] * 40)
    whole = model.encode([text])
    limit = fast.PIECE_CHARS
    try:
        fast.PIECE_CHARS = 200
        cut = model.encode([text])
    finally:
        fast.PIECE_CHARS = limit
    assert np.allclose(whole, cut, atol=1e-6)


_WORD_TEXTS = [
    "The ferry left the harbour at dawn, carrying 1,200 passengers.",
    "Навальный заявил, что суд отклонил жалобу.",
    "日本語のテキストです。次の文。",
    "Über 3,5 Mio. Menschen (laut Angaben) — ein Rekord…",
    "emoji 😀 and a tab\there",
    "a  double space",
    " leading space",
    "trailing space ",
    "<s> a special token </s> and <unk>",
    "x",
    "",
    "é" * 3000,
]


def test_word_tokens_equal_the_tokenizer_on_whole_texts() -> None:
    from retold.models.fast import WordTokens

    tokenizer = WordLlamaEmbedder()._tokenizer
    # small memories, by words and by characters: they empty themselves on the way
    for words in (WordTokens(tokenizer, size=40), WordTokens(tokenizer, chars=200)):
        for texts in (_WORD_TEXTS, _WORD_TEXTS[:5], _WORD_TEXTS[::-1], _WORD_TEXTS * 3):
            flat, counts = words.encode(texts)
            want = [e.ids for e in tokenizer.encode_batch_fast(texts, add_special_tokens=False)]
            assert counts.tolist() == [len(w) for w in want]
            assert flat.tolist() == [i for w in want for i in w]


def test_fast_model_names_the_reinstall_when_its_files_are_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RetoldError, match=r"is missing: reinstall it with pip install"):
        WordLlamaEmbedder()


def test_fast_model_loads_without_importing_the_wordllama_package(
    imported_by: Callable[[str, tuple[str, ...]], list[str]],
) -> None:
    code = (
        "from retold.models.fast import WordLlamaEmbedder\n"
        "assert WordLlamaEmbedder().encode(['A short sentence.']).shape == (1, 256)\n"
    )
    assert imported_by(code, ("wordllama", "pydantic", "requests")) == []

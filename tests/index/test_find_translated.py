"""``find`` across languages: a translated copy of an indexed article is found and verified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.cli import main
from retold.documents import Document
from retold.index import IndexStore, find_sources
from retold.index.find import translated_candidates
from retold.pair.compare import Comparer

TRANSLATED = Path(__file__).parent.parent / "fixtures" / "translated"

# other English stories, some sharing a number or a name with the flood story
ENGLISH = [
    json.loads(line)["text"]
    for line in (TRANSLATED / "english.jsonl").read_text("utf-8").splitlines()
]


def _fixture(name: str) -> Document:
    return Document(f"{name}.txt", (TRANSLATED / f"{name}.txt").read_text("utf-8"))


def _english() -> list[Document]:
    return [Document(f"en{i}.txt", text) for i, text in enumerate(ENGLISH)]


@pytest.fixture(scope="module")
def comparer() -> Comparer:
    return Comparer("fast")


def test_a_translation_of_an_indexed_article_is_found_and_verified(
    tmp_path: Path, comparer: Comparer
) -> None:
    with IndexStore.open(tmp_path / "ix", create=True) as ix:
        ix.add([*_english(), _fixture("flood_en"), _fixture("museum_de")])
        assert ix.info()["languages"] == {"en": 5, "de": 1}
        matches = find_sources(ix, _fixture("flood_ru"), comparer)
    assert [m.document.id for m in matches] == ["flood_en.txt"]
    found = matches[0]
    assert "crosslingual" in found.signals
    assert found.comparison.verdict.is_reuse
    assert (found.comparison.language_a, found.comparison.language_b) == ("en", "ru")


def test_an_english_copy_of_an_indexed_translation_is_found(
    tmp_path: Path, comparer: Comparer
) -> None:
    with IndexStore.open(tmp_path / "ix", create=True) as ix:
        ix.add([*_english(), _fixture("flood_ru"), _fixture("museum_de")])
        matches = find_sources(ix, _fixture("flood_en"), comparer)
    assert [m.document.id for m in matches] == ["flood_ru.txt"]
    assert matches[0].comparison.translated


def test_an_index_in_the_query_language_proposes_no_translation(tmp_path: Path) -> None:
    with IndexStore.open(tmp_path / "ix", create=True) as ix:
        ix.add([*_english(), _fixture("flood_en")])
        assert not ix.has_language_other_than("en")
        assert translated_candidates(ix, _fixture("flood_en")) == []
        # a Russian query: the English flood story shares its date, number and names
        positions = ix.positions_of(["flood_en.txt"])
        assert translated_candidates(ix, _fixture("flood_ru")) == [positions["flood_en.txt"]]


def test_retold_find_reports_the_translated_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for d in [*_english(), _fixture("flood_en")]:
        (corpus / d.id).write_text(d.text, encoding="utf-8")
    ix = tmp_path / "ix"
    assert main(["index", "add", str(corpus), "--index", str(ix), "-q"]) is None
    capsys.readouterr()
    query = str(TRANSLATED / "flood_ru.txt")
    assert main(["find", query, "--index", str(ix), "--format", "json"]) is None
    out = capsys.readouterr().out
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert rows, out
    text = json.dumps(rows, ensure_ascii=False)
    assert "flood_en.txt" in text and '"ru"' in text
    assert main(["find", query, "--index", str(ix)]) is None
    line = next(x for x in capsys.readouterr().out.splitlines() if "flood_en.txt" in x)
    assert "(translated en → ru)" in line


def test_an_index_made_without_languages_stores_none(tmp_path: Path) -> None:
    from retold.index.store import IndexConfig

    cfg = IndexConfig(crosslingual=False)
    with IndexStore.open(tmp_path / "ix", create=True, config=cfg) as ix:
        ix.add([*_english(), _fixture("flood_en")])
        assert ix.language_counts() == {}
        assert translated_candidates(ix, _fixture("flood_ru")) == []
    with IndexStore.open(tmp_path / "ix") as ix:
        assert ix.config.crosslingual is False
    # an index made before the setting existed keeps languages
    old = json.loads(IndexConfig().to_json())
    del old["crosslingual"]
    assert IndexConfig.from_json(json.dumps(old)).crosslingual is True

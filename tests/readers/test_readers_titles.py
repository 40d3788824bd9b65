"""Headlines become titles: a .txt article's standalone first line, an HTML page's <h1>/<title>."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from retold.readers import SkipLog, read_corpus, read_document
from retold.readers import html as html_reader
from retold.readers.html import html_to_text
from retold.readers.markup import text_headline

ROOT = Path(__file__).resolve().parents[2]
BODY = "A crane at the port of Lindvik toppled over in a gale on Monday night. Nobody was hurt."


@pytest.mark.parametrize(
    "text,title",
    [
        (f"Harbour crane toppled in gale\n\n{BODY}", "Harbour crane toppled in gale"),
        (f"Is the harbour safe?\n\n{BODY}", "Is the harbour safe?"),
        (f"'Nobody was hurt' at Lindvik port\n\n{BODY}", "'Nobody was hurt' at Lindvik port"),
        (f"Rivals of the harbour crane...\n\n{BODY}", "Rivals of the harbour crane..."),
        (f"A crane toppled over on Monday.\n\n{BODY}", None),  # a one-line lede
        (f"Harbour crane\ntoppled in gale\n\n{BODY}", None),  # not a line of its own
        (BODY, None),  # nothing after it
        ("W" * 161 + f"\n\n{BODY}", None),  # too long for a headline
    ],
)
def test_text_headline(text: str, title: str | None) -> None:
    assert text_headline(text) == title


def test_txt_folder_titles_reach_documents(tmp_path: Path) -> None:
    (tmp_path / "tech").mkdir()
    (tmp_path / "tech" / "001.txt").write_text(
        f"Harbour crane toppled in gale\n\n{BODY}\n", encoding="utf-8"
    )
    (tmp_path / "tech" / "002.txt").write_text(f"{BODY}\n\nMore text follows.\n", encoding="utf-8")
    docs = list(read_corpus(tmp_path))
    assert [(d.id, d.title) for d in docs] == [
        ("tech/001.txt", "Harbour crane toppled in gale"),
        ("tech/002.txt", None),
    ]
    # the headline stays in the text: offsets and alignments see the article as written
    assert docs[0].text.startswith("Harbour crane toppled in gale\n\n")


def test_html_title_falls_back_to_h1_then_title() -> None:
    page = (
        "<html><head><title>Gazette front page</title></head><body><h1>Crane topples in gale</h1>"
        f"<p>{BODY}</p></body></html>"
    )
    assert html_to_text(page)[1]["title"] == "Crane topples in gale"
    no_h1 = page.replace("<h1>Crane topples in gale</h1>", "")
    assert html_to_text(no_h1)[1]["title"] == "Gazette front page"


def test_html_file_title(tmp_path: Path) -> None:
    page = tmp_path / "crane.html"
    page.write_text(
        "<html><head><title>Crane topples in gale</title></head><body>"
        f"<article><p>{BODY}</p><p>{BODY}</p></article></body></html>",
        encoding="utf-8",
    )
    assert read_document(page).title == "Crane topples in gale"


def test_readme_in_a_corpus_folder_is_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "README.TXT").write_text(
        "Consists of 3 articles from an invented news site.\n", encoding="utf-8"
    )
    (tmp_path / "LICENSE").write_text("Permission is granted to read.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(f"Crane topples\n\n{BODY}\n", encoding="utf-8")
    (tmp_path / "readme-notes.txt").write_text(f"{BODY}\n", encoding="utf-8")  # an article
    skips = SkipLog()
    docs = list(read_corpus(tmp_path, on_skip=skips))
    assert [d.id for d in docs] == ["a.txt", "readme-notes.txt"]
    assert skips.examples == [("README.TXT", "not an article (README, LICENSE or similar)")]


def test_readme_does_not_turn_a_folder_of_shards_into_a_folder_of_articles(
    tmp_path: Path,
) -> None:
    (tmp_path / "README.md").write_text("# Dump\n\nTwo shards.\n", encoding="utf-8")
    (tmp_path / "part-0.jsonl").write_text(
        '{"id": "1", "text": "Crane topples in a gale at Lindvik."}\n', encoding="utf-8"
    )
    assert [d.id for d in read_corpus(tmp_path)] == ["1"]


def test_html_extractor_dependency_is_declared() -> None:
    """The extractor, the WARC reader and the date finder are the package's own dependencies."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    names = {d.split(">")[0].split("=")[0].split("[")[0].strip().lower() for d in deps}
    assert {"resiliparse", "fastwarc", "htmldate"} <= names


def test_missing_extractor_module_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    from retold.readers.html import ExtractorMissingError

    real_import = builtins.__import__

    def no_extractor(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("resiliparse"):
            raise ImportError("No module named 'resiliparse'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    html_reader._parser.cache_clear()  # an earlier test imported it already
    monkeypatch.setattr(builtins, "__import__", no_extractor)
    (tmp_path / "a.html").write_text(f"<html><body><p>{BODY}</p></body></html>", encoding="utf-8")
    with pytest.raises(ExtractorMissingError) as e:
        list(read_corpus(tmp_path))
    assert str(e.value) == (
        "reading HTML needs the HTML extractor, which failed to import (No module named"
        " 'resiliparse'); reinstall retold with `pip install --force-reinstall retold`, or"
        " install the missing module (for resiliparse: pip install 'resiliparse>=2.0')"
    )
    assert e.value.exit_code == 3
    monkeypatch.undo()
    html_reader._parser.cache_clear()
    assert [d.id for d in read_corpus(tmp_path)] == ["a.html"]


def test_page_that_breaks_the_parser_is_skipped_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(html_reader, "main_text", boom)
    (tmp_path / "deep.html").write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"{BODY}\n", encoding="utf-8")
    skips = SkipLog()
    assert [d.id for d in read_corpus(tmp_path, on_skip=skips)] == ["b.txt"]
    assert skips.examples == [("deep.html", "unparsable HTML")]

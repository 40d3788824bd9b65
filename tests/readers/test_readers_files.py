"""read_document / read_text / read_source: formats, encodings and every error message."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.errors import InputError
from retold.normalize import normalize_text
from retold.readers import ReadError, read_document, read_source, read_text
from retold.readers.files import read_stream

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ARTICLE = (
    "Harbour crane toppled in gale\n\n"
    "A crane at the port of Lindvik toppled over in a gale on Monday night. "
    "Nobody was hurt, the harbour master said.\n"
)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def message(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    return str(excinfo.value)


# --- errors ------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError) as e:
        read_document(missing)
    assert message(e) == f"no such file: {missing}"
    assert e.value.exit_code == 2


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        read_document(tmp_path)
    assert message(e) == (
        f"{tmp_path} is a directory: pass a file, or use `retold dedup` for folders"
    )


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \r\n"])
def test_empty(tmp_path: Path, content: bytes) -> None:
    p = write(tmp_path, "blank.txt", content)
    with pytest.raises(ReadError) as e:
        read_document(p)
    assert message(e) == f"{p} is empty"
    assert e.value.reason == "empty"


def test_binary_nul_bytes(tmp_path: Path) -> None:
    p = write(tmp_path, "blob.txt", b"abc\x00\x01\x02def" * 50)
    with pytest.raises(ReadError) as e:
        read_document(p)
    assert message(e) == (
        f"{p} looks binary (NUL bytes in the first 8 KB); pass a text, HTML or Markdown file"
    )
    assert e.value.reason == "binary"


def test_binary_control_bytes(tmp_path: Path) -> None:
    p = write(tmp_path, "ctl.txt", b"ab\x01\x02\x03\x04" * 100)
    with pytest.raises(ReadError) as e:
        read_document(p)
    assert message(e) == (
        f"{p} looks binary (67% control bytes in the first 8 KB);"
        " pass a text, HTML or Markdown file"
    )


def test_binary_by_signature(tmp_path: Path) -> None:
    p = write(tmp_path, "report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    with pytest.raises(ReadError) as e:
        read_document(p)
    assert message(e) == (f"{p} looks binary (a PDF document); pass a text, HTML or Markdown file")


def test_too_large(tmp_path: Path) -> None:
    p = write(tmp_path, "big.txt", "word " * 500_000)
    with pytest.raises(ReadError) as e:
        read_document(p, max_bytes=1_000_000)
    assert message(e) == f"{p} is 2.5 MB, over the limit of 1 MB; raise --max-bytes"
    assert e.value.reason == "too large"


def test_no_letters(tmp_path: Path) -> None:
    p = write(tmp_path, "digits.txt", "12 34 56 -- 7.8 %%% !!!\n")
    with pytest.raises(ReadError) as e:
        read_document(p)
    assert message(e) == (
        f"{p} contains no letters (only digits, punctuation or symbols);"
        " pass the text of an article"
    )


def test_undecodable(tmp_path: Path) -> None:
    p = write(tmp_path, "mojibake.txt", bytes(range(128, 256)) * 3)
    with pytest.raises(ReadError) as e:
        read_document(p)
    assert message(e) == (
        f"{p} is not valid UTF-8 and its encoding could not be detected;"
        " convert it with iconv -f ENCODING -t UTF-8"
    )
    assert e.value.reason == "undecodable"


def test_read_text_empty_and_letterless() -> None:
    with pytest.raises(InputError, match=r"^draft is empty$"):
        read_text(" \n\u200b\t", id="draft")
    with pytest.raises(InputError, match=r"^text contains no letters"):
        read_text("2024 - 2025")


def test_html_without_paragraphs(tmp_path: Path) -> None:
    p = write(tmp_path, "shell.html", "<html><body><script>boot()</script></body></html>")
    with pytest.raises(ReadError) as e:
        read_document(p)
    assert message(e) == (
        f"{p} has no readable article text (no paragraphs found in the HTML);"
        " save the article page itself, or its text"
    )


# --- encodings ---------------------------------------------------------------------------


def test_latin1_fixture_is_decoded(caplog: pytest.LogCaptureFixture) -> None:
    path = FIXTURES / "latin1.txt"
    with caplog.at_level(logging.WARNING, logger="retold.readers"):
        doc = read_document(path, id="latin1")
    assert doc.text.startswith("Fishermen in Ålesvik protest")
    assert "Söderström" in doc.text and "café" in doc.text and "Nordfjärd" in doc.text
    assert f"{path} is not UTF-8; read it as cp1252" in caplog.text


def test_cp1252_smart_quotes(tmp_path: Path) -> None:
    text = "\u201cWe will rebuild,\u201d said the mayor \u2014 twice. Café owners agreed."
    p = write(tmp_path, "quotes.txt", text.encode("cp1252"))
    assert read_document(p).text == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_byte_order_marks(tmp_path: Path, encoding: str) -> None:
    text = "Zürich trams stop for 3 hours.\n\nÅse Berg-Nilsen said so."
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    p = write(tmp_path, "bom.txt", data)
    doc = read_document(p)
    assert doc.text == text
    assert not doc.text.startswith("\ufeff")


def test_utf16_without_bom(tmp_path: Path) -> None:
    p = write(tmp_path, "le.txt", "Ferries resume on Friday after the storm.".encode("utf-16-le"))
    assert read_document(p).text == "Ferries resume on Friday after the storm."


def test_other_scripts_are_not_errors(tmp_path: Path) -> None:
    text = "Шторм закрыл порт в понедельник.\n\n台风周一关闭了港口。\n\nالعاصفة أغلقت الميناء."
    p = write(tmp_path, "multi.txt", text)
    assert read_document(p).text == text


def test_text_is_normalized(tmp_path: Path) -> None:
    p = write(tmp_path, "messy.txt", "Cafe\u0301  prices\r\nrose\u00a0 5%\r\n\r\n\r\n\r\nEnd.")
    assert read_document(p).text == "Café prices\nrose 5%\n\nEnd."


# --- HTML --------------------------------------------------------------------------------


def test_html_fixture_boilerplate_removed() -> None:
    doc = read_document(FIXTURES / "article.html", id="page")
    assert doc.id == "page"
    assert doc.title == "Lighthouse keeper's logbooks go on display in Skarvik"
    assert doc.published == "2025-06-02"
    assert "Forty-one handwritten logbooks" in doc.text
    assert "Entry is free for children under 16." in doc.text
    for junk in (
        "Subscribe",
        "Advertisement",
        "Ferry tickets",
        "Copyright",
        "dataLayer",
        "alert",
        "track(",
        "enable JavaScript",
        "Related stories",
        "Sponsored",
    ):
        assert junk not in doc.text, junk
    # paragraphs stay apart
    assert "\n\nThe books, written by Elof Brandt-Sundqvist" in doc.text


def test_html_scripts_and_handlers_never_leak(tmp_path: Path) -> None:
    html = """<!doctype html><html><head><title>Quay repairs</title>
    <script>alert(1)</script><style>p{color:red}</style></head><body>
    <p>Repairs to the old quay at Marrow Bay will start in May, the council said on Monday.</p>
    <p><img src="x.png" onerror="alert(2)">Work is expected to take eleven weeks.</p>
    <script type="text/javascript">alert(1)</script>
    <noscript>Turn on scripts</noscript>
    </body></html>"""
    doc = read_document(write(tmp_path, "quay.html", html))
    assert "Repairs to the old quay at Marrow Bay" in doc.text
    assert "alert" not in doc.text and "onerror" not in doc.text
    assert "color:red" not in doc.text and "Turn on scripts" not in doc.text


@pytest.mark.parametrize("main_content", [True, False])
def test_html_visible_text_when_no_main_content_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, main_content: bool
) -> None:
    from retold.readers import html as html_reader

    if not main_content:
        monkeypatch.setattr(html_reader, "main_text", lambda tree, **kwargs: "")
    html = """<html><body><h2>Quay repairs</h2><script>alert(1)</script>
    <p>Repairs start in <b>May</b>.<script>alert(3)</script></p><style>p{}</style>
    <noscript><p>no script</p></noscript><!-- <p>hidden comment</p> --></body></html>"""
    doc = read_document(write(tmp_path, "q.htm", html))
    assert doc.text == "Quay repairs\n\nRepairs start in May."


def test_html_sniffed_for_unknown_extension(tmp_path: Path) -> None:
    html = "<!DOCTYPE html><html><body><p>Snow closed the pass.</p><script>x()</script></body>"
    doc = read_document(write(tmp_path, "page.dat", "\n  " + html))
    assert doc.text == "Snow closed the pass."
    plain = read_document(write(tmp_path, "notes.dat", "Use <b> tags sparingly."))
    assert plain.text == "Use <b> tags sparingly."


def test_html_declared_charset(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="iso-8859-1"></head><body>'
        "<p>Größere Fähren fahren ab März nach Ærø, sagte der Bürgermeister.</p></body></html>"
    )
    doc = read_document(write(tmp_path, "de.html", html.encode("latin-1")))
    assert "Größere Fähren" in doc.text and "Ærø" in doc.text


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_stripped(tmp_path: Path) -> None:
    md = """---
title: "Port reopens"
---
# Port *reopens* after storm

The port of [Lindvik](https://example.org/lindvik "town") reopened on **Tuesday**.
![A crane](crane.jpg)
<!-- editor: check the figure below -->
Ships queued for _six_ hours; the file_name stays and 3 * 4 = 12.

## What next
> Repairs will cost 4 million crowns, said `harbour_master` Anna ~~Berg~~ Lind.

- first item
- second item

Setext heading
--------------
Closing line with a <https://example.org> link and a [ref link][1].

[1]: https://example.org/ref
"""
    doc = read_document(write(tmp_path, "port.md", md))
    assert doc.title == "Port reopens"
    assert doc.text == (
        "Port reopens after storm\n\n"
        "The port of Lindvik reopened on Tuesday.\n"
        "Ships queued for six hours; the file_name stays and 3 * 4 = 12.\n\n"
        "What next\n\n"
        "Repairs will cost 4 million crowns, said harbour_master Anna Berg Lind.\n\n"
        "first item\nsecond item\n\n"
        "Setext heading\n\n"
        "Closing line with a https://example.org link and a ref link."
    )


def test_markdown_title_from_first_h1(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.markdown", "Intro line.\n\n# Main title\n\nBody."))
    assert doc.title == "Main title"
    assert doc.text == "Intro line.\n\nMain title\n\nBody."


def test_markdown_script_dropped(tmp_path: Path) -> None:
    md = "Text before.\n\n<script>\nalert(1)\n</script>\n\nText after."
    assert read_document(write(tmp_path, "s.md", md)).text == "Text before.\n\nText after."


# --- sources -----------------------------------------------------------------------------


def test_read_document_id_defaults_to_path(tmp_path: Path) -> None:
    p = write(tmp_path, "a.txt", ARTICLE)
    assert read_document(p).id == str(p)
    assert read_document(str(p), id="x").id == "x"


def test_read_source_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeStdin:
        buffer = io.BytesIO(ARTICLE.encode("utf-8"))

    monkeypatch.setattr("sys.stdin", FakeStdin())
    doc = read_source("-")
    assert doc.id == "stdin"
    assert doc.text == normalize_text(ARTICLE)


def test_read_stream_empty_and_too_large() -> None:
    with pytest.raises(InputError, match=r"^stdin is empty$"):
        read_stream(io.BytesIO(b""))
    with pytest.raises(
        InputError, match=r"^stdin is over the limit of 10 bytes; raise --max-bytes$"
    ):
        read_stream(io.BytesIO(b"x" * 11), max_bytes=10)


def test_read_source_file(tmp_path: Path) -> None:
    p = write(tmp_path, "a.txt", ARTICLE)
    assert read_source(str(p)).text == normalize_text(ARTICLE)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300))
def test_read_text_is_stable(x: str) -> None:
    once = normalize_text(x)
    try:
        doc = read_text(once, id="h")
    except InputError:
        return
    assert doc.text == once
    assert read_text(doc.text, id="h").text == doc.text


def test_single_pound_sign_is_cp1252_not_cjk(tmp_path: Path) -> None:
    text = (
        "Rovik United have agreed a fee for the striker, a £15.8m signing from Stenby "
        "last summer. The club said talks with other players would continue next week, "
        "and that the manager expected to name a new captain before the first match."
    )
    p = write(tmp_path, "fee.txt", text.encode("cp1252"))
    assert read_document(p).text == text


def test_japanese_legacy_encoding(tmp_path: Path) -> None:
    text = "東京の天気は晴れです。明日は雨が降るでしょう。港の船は午後に出発します。"
    p = write(tmp_path, "ja.txt", text.encode("cp932"))
    assert read_document(p).text == text


def test_plain_text_saved_as_html(tmp_path: Path) -> None:
    p = write(tmp_path, "notes.html", "Ferries stopped at noon.\n\nThey resumed at six.")
    assert read_document(p).text == "Ferries stopped at noon.\n\nThey resumed at six."

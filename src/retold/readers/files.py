"""Read one article: a text, Markdown or HTML file, in-memory text, or stdin.

Every reader returns a :class:`~retold.documents.Document` whose text went through
:func:`retold.normalize.normalize_text`, or raises :class:`ReadError` (an ``InputError``) with a
one-line message that says how to fix the input.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import BinaryIO, Literal

from retold.documents import Document
from retold.errors import InputError, RetoldError
from retold.normalize import normalize_text
from retold.readers.decode import DecodeInfo, decode_bytes, human_size
from retold.readers.html import html_to_text
from retold.readers.markup import markdown_to_text, text_headline

Format = Literal["text", "markdown", "html"]

DEFAULT_MAX_BYTES = 20_000_000
TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
_LETTER = re.compile(r"[^\W\d_]")


class ReadError(InputError):
    """An input that cannot be used, with a short machine-readable ``reason``.

    Reasons: ``missing``, ``directory``, ``empty``, ``no letters``, ``binary``, ``undecodable``,
    ``too large``, ``unreadable``. Collections count skipped records by reason.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def detect_format(path: Path, head: bytes) -> Format:
    """The format of a file: by extension, else by sniffing its first bytes.

    Example:
        >>> detect_format(Path("page.dat"), b"<!DOCTYPE html><html>")
        'html'
        >>> detect_format(Path("notes.md"), b"# Title")
        'markdown'
    """
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in TEXT_SUFFIXES:
        return "text"
    probe = head[:1024].lstrip(b"\xef\xbb\xbf")
    return "html" if _HTML_START.match(probe) else "text"


def check_text(text: str, name: str, *, normalized: bool = False) -> str:
    if not normalized:
        text = normalize_text(text)
    if not text:
        raise ReadError(f"{name} is empty", "empty")
    if not _LETTER.search(text):
        raise ReadError(
            f"{name} contains no letters (only digits, punctuation or symbols);"
            " pass the text of an article",
            "no letters",
        )
    return text


def _clean_meta(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(normalize_text(value).split())
    return value or None


def parse_bytes(
    data: bytes,
    name: str,
    *,
    id: str,
    fmt: Format | None = None,
    path: Path | None = None,
    url_hint: str | None = None,
    crawled: bool = False,
) -> Document:
    """Turn the raw bytes of one article into a Document (format sniffed when not given).

    A plain-text article whose first line stands alone gets that line as its title; an HTML
    page gets its headline. ``url_hint`` is the address a page was fetched from, used when the
    page does not name its own; ``crawled`` pages without paragraphs have no article text
    (their visible text is navigation).

    Example:
        >>> parse_bytes(b"<html><body><p>Rain fell all day.</p></body></html>", "x", id="x").text
        'Rain fell all day.'
    """
    if not data.strip():
        raise ReadError(f"{name} is empty", "empty")
    if fmt is None:
        fmt = detect_format(path or Path(name), data)
    try:
        raw, _info = decode_bytes(data, name, html=fmt == "html")
    except InputError as e:
        reason = "binary" if "looks binary" in str(e) else "undecodable"
        raise ReadError(str(e), reason) from None
    title: str | None = None
    published = url = source = None
    if fmt == "markdown":
        raw, title = markdown_to_text(raw)
    elif fmt == "html":
        try:
            raw, meta = html_to_text(raw, url=url_hint, bare_text=not crawled)
        except RetoldError:
            raise
        except Exception as e:  # the parser and the extractor fail on some malformed pages
            raise ReadError(
                f"{name} could not be parsed as HTML ({type(e).__name__}: {e});"
                " save the page again or pass its text",
                "unparsable HTML",
            ) from None
        title, published = meta["title"], meta["published"]
        url, source = meta["url"], meta["source"]
        raw = normalize_text(raw)
        if not raw:
            raise ReadError(
                f"{name} has no readable article text (no paragraphs found in the HTML);"
                " save the article page itself, or its text",
                "empty",
            )
    text = check_text(raw, name, normalized=fmt == "html")
    if fmt == "text":
        title = text_headline(text)
    return Document(
        id=id,
        text=text,
        title=_clean_meta(title),
        url=_clean_meta(url),
        published=_clean_meta(published),
        source=_clean_meta(source),
    )


def read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    """The bytes of a file, with the errors every reader shares."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ReadError(f"no such file: {name}", "missing") from None
    except OSError as e:
        raise ReadError(f"cannot read {name}: {e.strerror}", "unreadable") from None
    if path.is_dir():
        raise ReadError(
            f"{name} is a directory: pass a file, or use `retold dedup` for folders", "directory"
        )
    if st.st_size > max_bytes:
        raise ReadError(
            f"{name} is {human_size(st.st_size)}, over the limit of {human_size(max_bytes)};"
            " raise --max-bytes",
            "too large",
        )
    try:
        with path.open("rb") as f:
            # a file can grow between stat and read; never take more than the limit + 1 byte
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise ReadError(f"cannot read {name}: {e.strerror}", "unreadable") from None
    if len(data) > max_bytes:
        raise ReadError(
            f"{name} is over the limit of {human_size(max_bytes)}; raise --max-bytes", "too large"
        )
    return data


def read_document(
    path: str | os.PathLike[str], *, id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    """Read one article file: ``.txt``, ``.md``/``.markdown`` or ``.html``/``.htm``.

    Other extensions are sniffed: a file that starts like an HTML page is read as HTML, anything
    else as plain text. Non-UTF-8 files are decoded with a detected encoding and a warning is
    logged on the ``retold.readers`` logger.

    Args:
        path: The file.
        id: Document id; defaults to the path as given.
        max_bytes: Refuse files larger than this.

    Raises:
        ReadError: Missing, a directory, empty, binary, undecodable, too large or letterless.

    Example:
        >>> doc = read_document("tests/fixtures/spectrum/source.txt", id="src")
        >>> doc.text.splitlines()[0]
        'Floodwaters force thousands from homes in the Brenholt valley'
    """
    p = Path(path)
    name = str(path)
    data = read_bytes(p, name, max_bytes)
    return parse_bytes(data, name, id=name if id is None else id, path=p)


def read_text(text: str, id: str = "text") -> Document:
    """A Document from in-memory text, normalised and checked like a file.

    Example:
        >>> read_text("  Storm  hits\\r\\n\\r\\n\\r\\nthe coast. ", id="t").text
        'Storm hits\\n\\nthe coast.'
    """
    return Document(id=id, text=check_text(text, id))


def read_stream(
    stream: BinaryIO, *, id: str = "stdin", max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    """Read one article from a binary stream (format sniffed: HTML or plain text)."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ReadError(
            f"{id} is over the limit of {human_size(max_bytes)}; raise --max-bytes", "too large"
        )
    return parse_bytes(data, id, id=id)


def read_source(arg: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """A command-line argument: a file path, or ``-`` for stdin.

    Example:
        >>> read_source("tests/fixtures/latin1.txt").text.split()[2]
        'Ålesvik'
    """
    if arg == "-":
        return read_stream(sys.stdin.buffer, id="stdin", max_bytes=max_bytes)
    return read_document(arg, max_bytes=max_bytes)


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DecodeInfo",
    "ReadError",
    "detect_format",
    "parse_bytes",
    "read_document",
    "read_source",
    "read_stream",
    "read_text",
]

"""Web archive (WARC) files to Documents, streamed record by record with FastWARC.

Only ``response`` and ``resource`` records whose body is HTML or plain text become documents;
the page's main text is extracted with the same boilerplate-removing extractor as ``.html``
files. Everything else a crawl holds (``request``, ``metadata``, ``warcinfo`` records,
redirects, images, scripts) is skipped and counted: once per file and kind, so that a crawl
does not print a warning for each of its request records. A record that should have been a page
and cannot be used (truncated, no body, undecodable, no article text) is skipped with a warning
of its own. A truncated last gzip member loses only its own record.
"""

from __future__ import annotations

import codecs
import logging
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from retold.documents import Document
from retold.errors import InputError
from retold.readers.dates import normalize_published
from retold.readers.files import Format, ReadError, detect_format, parse_bytes

log = logging.getLogger("retold.readers")

WARC_SUFFIXES = (".warc", ".warc.gz")
_PAGE_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}
# one skip report per file and reason for the records every crawl is full of
_NOT_A_PAGE = "not a page (request, metadata, warcinfo, revisit or other records)"
_NOT_OK = "not a successful response (redirect or error status)"
_NOT_TEXT = "not HTML or text (images, scripts, PDFs and other media)"

Item = Document | tuple[str, str]
OnCount = Callable[[str, str, int], None]


def is_warc(path: Path) -> bool:
    """True for ``.warc`` and ``.warc.gz`` files.

    Example:
        >>> is_warc(Path("CC-NEWS-20240101.warc.gz")), is_warc(Path("dump.jsonl.gz"))
        (True, False)
    """
    return path.name.lower().endswith(WARC_SUFFIXES)


def _require_fastwarc() -> None:
    try:
        import fastwarc.warc  # noqa: F401
    except ImportError as e:
        raise InputError(
            f"reading WARC files needs FastWARC, which failed to import ({e});"
            " install it with pip install 'fastwarc>=0.14'"
        ) from None


def _page_format(content_type: str | None, body: bytes) -> Format | None:
    """html or text from a Content-Type; sniffed when there is none; None for other media."""
    if not content_type:
        return detect_format(Path(""), body)
    mime = content_type.split(";", 1)[0].strip().lower()
    kind = _PAGE_TYPES.get(mime)
    return "html" if kind == "html" else "text" if kind == "text" else None


def _declared_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            try:
                return codecs.lookup(value.strip().strip("\"'")).name
            except LookupError:
                return None
    return None


def _as_utf8(body: bytes, charset: str | None, location: str) -> bytes:
    """The body in UTF-8, decoded with the charset its HTTP header declares when not UTF-8."""
    if charset is None or charset == "utf-8":
        return body
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError:
        pass
    try:
        text = body.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return body  # the declaration is wrong: leave it to detection
    log.warning("%s is not UTF-8; read it as %s (its declared charset)", location, charset)
    return text.encode("utf-8")


def read_warc(
    path: Path,
    name: str,
    max_bytes: int,
    *,
    taken: Callable[[str], bool],
    on_count: OnCount,
    workers: int = 1,
) -> Iterator[Item]:
    """Stream the pages of one WARC file as Documents or ``(location, reason)`` skips.

    Args:
        path: The ``.warc`` or ``.warc.gz`` file (one gzip member per record, or one for all).
        name: How to name the file in messages.
        max_bytes: Largest record body accepted.
        taken: Whether an id is already used in the collection: a target URI fetched twice
            keeps the URI as the first copy's id and the WARC-Record-ID for the later ones.
        on_count: Called as ``on_count(location, reason, n)`` at the end of the file for the
            records skipped in bulk (not pages, failed responses, media).
        workers: Processes that extract the pages' text; the order of the documents is the
            same for any number.

    Raises:
        InputError: The file holds no WARC record at all, or FastWARC is missing.
    """
    _require_fastwarc()
    bulk: Counter[str] = Counter()
    seen = [0]
    yield from _extracted(_records(path, name, max_bytes, bulk, seen), taken, workers)
    if seen[0] == 0:
        raise InputError(
            f"{name} holds no WARC records; pass a .warc or .warc.gz file as crawlers write them"
        )
    for reason, n in bulk.most_common():
        on_count(name, reason, n)


def _records(
    path: Path, name: str, max_bytes: int, bulk: Counter[str], seen: list[int]
) -> Iterator[Item | RawPage]:
    """Every record of the file as a page to extract or a skip; ``seen[0]`` counts records."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    page_types = int(WarcRecordType.response) | int(WarcRecordType.resource)
    with path.open("rb") as stream:
        gz = stream.read(2) == b"\x1f\x8b" or path.name.lower().endswith(".gz")
        offset: int | None = 0
        while offset is not None:
            start, offset = offset, None
            stream.seek(start)
            last = start
            it = iter(ArchiveIterator(stream, parse_http=True))
            while True:
                try:
                    record = next(it)
                except StopIteration:
                    if seen[0] == 0 and start == 0:
                        # no record where the first must start: damage at the head of the file
                        offset = _next_record(stream, 1, gz)
                        if offset is not None:
                            yield f"{name} at its start", "damaged WARC data"
                    break
                except Exception:  # OSError or StreamError, by FastWARC version
                    # damaged bytes: go on at the next record that starts cleanly after them
                    offset = _next_record(stream, last + 1, gz)
                    if seen[0] or offset is not None:
                        where = f"after record {seen[0]}" if seen[0] else "at its start"
                        yield f"{name} {where}", "damaged WARC data"
                    break
                last = start + int(record.stream_pos)
                seen[0] += 1
                if not int(record.record_type) & page_types:
                    bulk[_NOT_A_PAGE] += 1
                    continue
                item = _page(record, f"{name} record {seen[0]}", max_bytes, bulk)
                if item is not None:
                    yield item


def _next_record(stream: BinaryIO, start: int, gz: bool) -> int | None:
    """Offset of the first record at or after ``start`` that begins cleanly, or None."""
    magic = b"\x1f\x8b\x08" if gz else b"WARC/1."
    stream.seek(start)
    pos, tail = start, b""
    while chunk := stream.read(1 << 20):
        buf, base = tail + chunk, pos - len(tail)
        i = buf.find(magic)
        while i != -1:
            if _begins_record(buf[i : i + 4096], gz):
                return base + i
            i = buf.find(magic, i + 1)
        tail = buf[-(len(magic) - 1) :]
        pos += len(chunk)
    return None


def _begins_record(head: bytes, gz: bool) -> bool:
    if not gz:
        return head.startswith(b"WARC/1.")
    try:
        return zlib.decompressobj(wbits=31).decompress(head, 16).startswith(b"WARC/")
    except zlib.error:
        return False


@dataclass(frozen=True, slots=True)
class RawPage:
    """A page record's body and headers, ready for extraction (in this process or a worker)."""

    location: str
    body: bytes
    fmt: Format
    uri: str | None
    record_id: str | None
    warc_date: str | None


def _page(
    record: object, location: str, max_bytes: int, bulk: Counter[str]
) -> Item | RawPage | None:
    headers = record.headers  # type: ignore[attr-defined]
    uri = (headers.get("WARC-Target-URI") or "").strip().strip("<>") or None
    if uri:
        location = f"{location} ({uri})"
    http = record.http_headers  # type: ignore[attr-defined]
    transfer = encoding = None
    if http is not None:
        if http.status_code is not None and not 200 <= int(http.status_code) < 300:
            bulk[_NOT_OK] += 1
            return None
        content_type = http.get("Content-Type")
        transfer, encoding = http.get("Transfer-Encoding"), http.get("Content-Encoding")
    else:
        content_type = headers.get("Content-Type")
    expected = int(record.content_length)  # type: ignore[attr-defined]
    if expected > max_bytes:
        return location, "too large"
    body = record.reader.read(max_bytes + 1)  # type: ignore[attr-defined]
    if len(body) < expected:
        # the file ends inside this record (an interrupted download or copy)
        return location, "truncated record"
    if transfer or encoding:
        # crawlers that keep the bytes as received (wget, warcprox) store chunked, compressed
        # bodies; Common Crawl stores them decoded
        try:
            body = _decode_http(body, transfer, encoding, max_bytes)
        except _TooLarge:
            return location, "too large"
        except (ValueError, OSError, zlib.error):
            return location, "undecodable HTTP body (damaged chunks or compression)"
    if not body.strip():
        return location, "no body"
    fmt = _page_format(content_type, body)
    if fmt is None:
        bulk[_NOT_TEXT] += 1
        return None
    return RawPage(
        location=location,
        body=_as_utf8(body, _declared_charset(content_type), location),
        fmt=fmt,
        uri=uri,
        record_id=(headers.get("WARC-Record-ID") or "").strip().strip("<>") or None,
        warc_date=headers.get("WARC-Date"),
    )


class _TooLarge(Exception):
    pass


def _dechunk(body: bytes) -> bytes:
    """The payload of a body sent with ``Transfer-Encoding: chunked``."""
    out, pos = bytearray(), 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol == -1:
            raise ValueError("chunk size line without its end")
        size = int(body[pos:eol].split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            return bytes(out)
        start = eol + 2
        if start + size > len(body):
            raise ValueError("chunk longer than the body")
        out += body[start : start + size]
        pos = start + size + 2


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    d = zlib.decompressobj(wbits=wbits)
    out = d.decompress(data, limit + 1)
    if len(out) > limit:
        raise _TooLarge
    if not d.eof:
        raise ValueError("compressed body ends before its end marker")
    return out


def _decode_http(body: bytes, transfer: str | None, encoding: str | None, limit: int) -> bytes:
    """Undo the HTTP transfer and content encodings of a stored body (chunked, gzip, br)."""
    if transfer and "chunked" in transfer.lower():
        body = _dechunk(body)
    for coding in reversed([c.strip().lower() for c in (encoding or "").split(",") if c.strip()]):
        if coding in ("gzip", "x-gzip"):
            body = _inflate(body, 31, limit)
        elif coding == "deflate":
            # servers send zlib-wrapped or raw deflate under this name
            body = _inflate(body, 15 if body[:1] == b"\x78" else -15, limit)
        elif coding == "br":
            import brotli  # FastWARC's own dependency

            try:
                body = brotli.decompress(body)
            except Exception as e:  # brotli.error derives from Exception only
                raise ValueError(str(e)) from None
            if len(body) > limit:
                raise _TooLarge
        elif coding != "identity":
            raise ValueError(f"unknown content encoding {coding}")
    return body


def extract_page(page: RawPage) -> Item:
    """The Document of one page (its id still to be chosen), or why it has none."""
    try:
        doc = parse_bytes(
            page.body, page.location, id="", fmt=page.fmt, url_hint=page.uri, crawled=True
        )
    except ReadError as e:
        return page.location, "no article text" if e.reason == "empty" else e.reason
    return Document(
        id="",
        text=doc.text,
        title=doc.title,
        url=page.uri or doc.url,
        published=doc.published or normalize_published(page.warc_date),
        source=doc.source,
    )


def _extract_chunk(chunk: list[Item | RawPage]) -> list[Item]:
    return [extract_page(x) if isinstance(x, RawPage) else x for x in chunk]


def _named(item: Item, page: Item | RawPage, taken: Callable[[str], bool]) -> Item:
    """Give an extracted page its id: the target URI, or the record id for a URI read before."""
    if isinstance(item, tuple) or not isinstance(page, RawPage):
        return item
    uri, record_id = page.uri, page.record_id
    doc_id = uri if uri and not taken(uri) else record_id or uri or page.location
    return Document(doc_id, item.text, item.title, item.url, item.published, item.source)


CHUNK = 32


def _extracted(
    items: Iterator[Item | RawPage], taken: Callable[[str], bool], workers: int
) -> Iterator[Item]:
    """Extract pages in order, here and (from the second chunk on) in ``workers`` processes.

    The reading process extracts a chunk itself whenever every worker is busy, so it never
    waits for workers that are still starting (seconds each), and a small crawl costs no more
    than with one process.
    """
    chunks = _chunked(items, CHUNK)
    first = next(chunks, None)
    if first is None:
        return
    for page, item in zip(first, _extract_chunk(first), strict=True):
        yield _named(item, page, taken)
    if workers <= 1:
        for chunk in chunks:
            for page, item in zip(chunk, _extract_chunk(chunk), strict=True):
                yield _named(item, page, taken)
        return
    from retold.readers.pool import extraction_pool

    with extraction_pool(workers) as pool:
        # chunks in reading order, each with its result or the future of it
        pending: deque[tuple[list[Item | RawPage], Future[list[Item]] | list[Item]]] = deque()
        busy = 0
        for chunk in chunks:
            if busy < workers:
                pending.append((chunk, pool.submit(_extract_chunk, chunk)))
            else:
                pending.append((chunk, _extract_chunk(chunk)))
            # hand out what is finished at the head; never hold more than a few chunks
            while pending and (
                isinstance(pending[0][1], list)
                or pending[0][1].done()
                or len(pending) > 4 * workers
            ):
                done_chunk, result = pending.popleft()
                results = result if isinstance(result, list) else result.result()
                for page, item in zip(done_chunk, results, strict=True):
                    yield _named(item, page, taken)
            busy = sum(1 for _, r in pending if isinstance(r, Future) and not r.done())
        while pending:
            done_chunk, result = pending.popleft()
            results = result if isinstance(result, list) else result.result()
            for page, item in zip(done_chunk, results, strict=True):
                yield _named(item, page, taken)


def _chunked(items: Iterator[Item | RawPage], size: int) -> Iterator[list[Item | RawPage]]:
    chunk: list[Item | RawPage] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


__all__ = ["WARC_SUFFIXES", "RawPage", "extract_page", "is_warc", "read_warc"]

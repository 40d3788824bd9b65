"""Write small WARC files the way crawlers do, for tests and the WARC reading benchmark.

Each record is its own gzip member (as Common Crawl ships them), so a damaged member loses one
record. Pages are rendered from :class:`~retold.documents.Document` s as news article HTML with
navigation, a footer and a script around the article, which the extractor has to remove.
"""

from __future__ import annotations

import gzip
import html
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from retold.documents import Document


@dataclass(frozen=True, slots=True)
class WarcRecord:
    """One record: its WARC type, headers beyond the required ones, and its block.

    Attributes:
        type: ``response``, ``request``, ``warcinfo``, ``metadata``, ``resource``, ...
        uri: WARC-Target-URI (None for warcinfo).
        block: The record block: for a response, the HTTP status line, headers and body.
        date: WARC-Date.
        record_id: WARC-Record-ID; a fresh urn:uuid when empty.
        content_type: Content-Type of the block.
    """

    type: str
    uri: str | None
    block: bytes
    date: str = "2025-03-14T08:30:00Z"
    record_id: str = ""
    content_type: str = "application/http; msgtype=response"
    extra: tuple[tuple[str, str], ...] = field(default=())

    def to_bytes(self) -> bytes:
        rid = self.record_id or f"urn:uuid:{uuid.uuid4()}"
        lines = [
            "WARC/1.1",
            f"WARC-Type: {self.type}",
            f"WARC-Record-ID: <{rid}>",
            f"WARC-Date: {self.date}",
        ]
        if self.uri is not None:
            lines.append(f"WARC-Target-URI: {self.uri}")
        lines.append(f"Content-Type: {self.content_type}")
        lines.extend(f"{k}: {v}" for k, v in self.extra)
        lines.append(f"Content-Length: {len(self.block)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
        return head + self.block + b"\r\n\r\n"


def http_response(
    body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK"
) -> bytes:
    """An HTTP response block as a response record holds it."""
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def response(
    uri: str,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    *,
    status: str = "200 OK",
    date: str = "2025-03-14T08:30:00Z",
    record_id: str = "",
) -> WarcRecord:
    """A ``response`` record for ``uri`` serving ``body``."""
    block = http_response(body, content_type, status)
    return WarcRecord("response", uri, block, date=date, record_id=record_id)


def request(uri: str) -> WarcRecord:
    """The ``request`` record a crawler writes before each response."""
    block = f"GET / HTTP/1.1\r\nHost: {uri.split('/')[2]}\r\n\r\n".encode("ascii")
    return WarcRecord("request", uri, block, content_type="application/http; msgtype=request")


def article_page(doc: Document, site: str = "Harbour Gazette") -> str:
    """A news page around a document: navigation, headline, paragraphs, related links, footer."""
    title = html.escape(doc.title or doc.text.split("\n", 1)[0][:80])
    paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in doc.text.split("\n\n") if p.strip())
    nav = "".join(f'<li><a href="/section/{s}">{s.title()}</a></li>' for s in _SECTIONS)
    related = "".join(
        f'<li><a href="/story/{k}">More news from the region, part {k}</a></li>' for k in range(6)
    )
    date = doc.published or "2025-03-14"
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title} | {site}</title>"
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="article:published_time" content="{date}">'
        "<script>window.dataLayer=[];function track(){}</script></head><body>"
        f'<header><nav><ul class="menu">{nav}</ul></nav></header>'
        f'<main><article><h1>{title}</h1><p class="byline">By staff reporter</p>'
        f"{paras}</article>"
        f'<aside class="related"><h2>Related</h2><ul>{related}</ul></aside></main>'
        f"<footer><p>© 2025 {site}. All rights reserved.</p>"
        '<a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>'
        "<script>track('view')</script></body></html>"
    )


_SECTIONS = ("news", "politics", "business", "sport", "culture", "weather", "opinion")


def write_warc(records: Iterable[WarcRecord], out: BinaryIO, *, compress: bool = True) -> int:
    """Write records, each its own gzip member when ``compress``; return the bytes written."""
    total = 0
    for rec in records:
        data = rec.to_bytes()
        if compress:
            data = gzip.compress(data, compresslevel=6, mtime=0)
        out.write(data)
        total += len(data)
    return total


def demo_crawl(out: str | Path, corpus: str | Path | None = None) -> int:
    """The demo corpus as a crawl: a warcinfo record, then a request and a response per page.

    Each article is served at ``https://SITE.example/news/ID`` inside a news page (headline,
    byline, navigation, related links, footer), dated by its ``published`` value. A redirect
    and an image are in it too, as in any crawl. Returns the bytes written.

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "crawl.warc.gz")
        >>> demo_crawl(path) > 0
        True
    """
    import json

    source = (
        Path(corpus) if corpus else Path(__file__).parents[1] / "data" / "demo" / "corpus.jsonl"
    )
    records = [
        WarcRecord(
            "warcinfo",
            None,
            b"software: retold demo_crawl\r\nformat: WARC File Format 1.1\r\n",
            content_type="application/warc-fields",
        )
    ]
    with source.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            doc = Document(
                id=row["id"],
                text=row["text"],
                title=row.get("title"),
                published=row.get("published"),
            )
            site = (row.get("source") or "news").lower().replace(" ", "")
            uri = f"https://{site}.example/news/{row['id']}"
            page = article_page(doc, site=row.get("source") or "News").encode("utf-8")
            date = f"{row.get('published') or '2025-03-14'}T06:00:00Z"
            records += [request(uri), response(uri, page, date=date)]
    records.append(response("https://coastalledger.example/", b"", status="301 Moved Permanently"))
    records.append(response("https://coastalledger.example/logo.png", b"\x89PNG\r\n", "image/png"))
    with open(out, "wb") as f:
        return write_warc(records, f)


__all__ = [
    "WarcRecord",
    "article_page",
    "demo_crawl",
    "http_response",
    "request",
    "response",
    "write_warc",
]

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


LAYOUTS = ("article", "story-div", "table", "rich")


def article_page(doc: Document, site: str = "Harbour Gazette", layout: str = "article") -> str:
    """A news page around a document, in one of :data:`LAYOUTS`.

    - ``article``: ``<article>`` with headline and byline, navigation, related links, footer;
    - ``story-div``: no semantic tags: a cookie notice, a ``<div>`` story body with "Read more"
      links and an advertisement between its paragraphs, share buttons, an author box, reader
      comments and a newsletter box;
    - ``table``: an old table layout, paragraphs split by ``<br><br>`` beside a link column;
    - ``rich``: subheadings, a pull quote, a figure with its caption, a list and tags.

    Every layout holds the document's paragraphs unchanged, so an extractor's output can be
    scored against ``doc.text``.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    title = html.escape(doc.title or doc.text.split("\n", 1)[0][:80])
    paras = [html.escape(p) for p in doc.text.split("\n\n") if p.strip()]
    date = doc.published or "2025-03-14"
    head = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title} | {site}</title>"
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="article:published_time" content="{date}">'
        "<script>window.dataLayer=[];function track(){}</script></head><body>"
    )
    tail = "<script>track('view')</script></body></html>"
    body = _LAYOUT_BODIES[layout](title, paras, site)
    return head + body + tail


def _nav(site: str) -> str:
    links = "".join(f'<li><a href="/section/{s}">{s.title()}</a></li>' for s in _SECTIONS)
    return f'<header><nav><ul class="menu">{links}</ul></nav></header>'


def _related(n: int = 6) -> str:
    return "".join(
        f'<li><a href="/story/{k}">More news from the region, part {k}</a></li>' for k in range(n)
    )


def _footer(site: str) -> str:
    return (
        f"<footer><p>© 2025 {site}. All rights reserved.</p>"
        '<a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>'
    )


def _body_article(title: str, paras: list[str], site: str) -> str:
    text = "\n".join(f"<p>{p}</p>" for p in paras)
    return (
        f"{_nav(site)}"
        f'<main><article><h1>{title}</h1><p class="byline">By staff reporter</p>'
        f"{text}</article>"
        f'<aside class="related"><h2>Related</h2><ul>{_related()}</ul></aside></main>'
        f"{_footer(site)}"
    )


def _body_story_div(title: str, paras: list[str], site: str) -> str:
    parts = []
    for k, p in enumerate(paras):
        parts.append(f"<p>{p}</p>")
        if k == 1:
            parts.append('<div class="ad-slot" id="ad-mid">Advertisement</div>')
        if k % 3 == 2 and k + 1 < len(paras):
            parts.append(f'<p class="read-more">Read more: <a href="/story/{k}">{title}</a></p>')
    links = " | ".join(f'<a href="/section/{s}">{s.title()}</a>' for s in _SECTIONS)
    comments = "".join(
        f'<div class="comment"><span class="user">reader{k}</span><p>{c}</p></div>'
        for k, c in enumerate(_COMMENTS)
    )
    return (
        '<div id="cookie-banner" class="cookie-notice">We use cookies to improve your'
        " experience. <a href='/cookies'>Accept</a></div>"
        f'<div id="top"><div class="logo">{site}</div><div class="links">{links}</div></div>'
        f'<div id="content"><div class="headline"><h1>{title}</h1></div>'
        '<div class="date">14 March 2025</div>'
        f'<div class="story-body">{"".join(parts)}</div>'
        '<div class="share">Share this story: <a href="#">Facebook</a> <a href="#">X</a>'
        ' <a href="#">Email</a></div>'
        '<div class="author-box">Our staff reporter covers the region for'
        f" {site}.</div>"
        f'<div id="comments"><h3>{len(_COMMENTS)} comments</h3>{comments}</div>'
        '<div class="newsletter"><h3>Get the morning briefing</h3><form><input name="e">'
        "<button>Sign up</button></form></div></div>"
        f'<div id="bottom"><p>© 2025 {site}</p><p><a href="/about">About us</a></p></div>'
    )


def _body_table(title: str, paras: list[str], site: str) -> str:
    side = "<br>".join(f'<a href="/story/{k}">Headline number {k}</a>' for k in range(8))
    text = "<br><br>\n".join(paras)
    return (
        f'<table width="100%"><tr><td colspan="2"><font size="5">{site}</font></td></tr>'
        f'<tr><td width="20%" valign="top">{side}</td><td valign="top">'
        f"<font size='4'><b>{title}</b></font><br><br>\n{text}</td></tr>"
        f'<tr><td colspan="2"><small>Copyright 2025 {site}</small></td></tr></table>'
    )


def _body_rich(title: str, paras: list[str], site: str) -> str:
    parts = []
    for k, p in enumerate(paras):
        if k and k % 3 == 0:
            parts.append(f"<h2>Part {k // 3 + 1}</h2>")
        parts.append(f"<p>{p}</p>")
        if k == 0:
            parts.append(
                '<figure><img src="/img/1.jpg" alt="Photo"><figcaption>The scene on'
                " Monday. Photo: agency</figcaption></figure>"
            )
        if k == 2:
            quote = p.split(". ")[0]
            parts.append(f'<blockquote class="pullquote">{quote}</blockquote>')
    tags = "".join(f'<li><a href="/tag/{s}">{s}</a></li>' for s in _SECTIONS[:4])
    return (
        f"{_nav(site)}<main><article><header><h1>{title}</h1>"
        '<div class="meta"><span class="author">By staff reporter</span>'
        ' <time datetime="2025-03-14">14 March 2025</time></div></header>'
        f'<div class="article-body">{"".join(parts)}</div>'
        f'<ul class="tags">{tags}</ul></article>'
        f'<section class="most-read"><h2>Most read</h2><ol>{_related(5)}</ol></section></main>'
        f"{_footer(site)}"
    )


_LAYOUT_BODIES = {
    "article": _body_article,
    "story-div": _body_story_div,
    "table": _body_table,
    "rich": _body_rich,
}
_COMMENTS = (
    "This is exactly what the town needed, about time.",
    "Who is going to pay for all of this? Not the council, that much is certain.",
    "I remember when the old harbour was full of fishing boats every morning.",
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
    "LAYOUTS",
    "WarcRecord",
    "article_page",
    "demo_crawl",
    "http_response",
    "request",
    "response",
    "write_warc",
]

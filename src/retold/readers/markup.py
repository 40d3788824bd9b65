"""Markup to plain article text: Markdown syntax stripped, HTML boilerplate removed.

Both functions return paragraphs separated by blank lines, which is what segmentation expects.
"""

from __future__ import annotations

import functools
import re
from types import ModuleType
from typing import Any

from retold.errors import MissingDependencyError, RetoldError

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_TITLE = re.compile(r"^title\s*:\s*(.+?)\s*$", re.M | re.I)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_RAW_BLOCK = re.compile(
    r"<(script|style|noscript|template|iframe)\b.*?(?:</\1\s*>|\Z)", re.S | re.I
)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_IMAGE = re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])")
_LINK = re.compile(r"\[([^\]]*)\](?:\((?:[^()]|\([^)]*\))*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_CODE = re.compile(r"(`+)(.+?)\1")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
# underscores inside words (snake_case, file_names) are not emphasis
_EM_UNDER = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_BLOCK_TAGS = re.compile(
    r"</?(?:p|div|br|h[1-6]|li|ul|ol|blockquote|section|article)\b[^>]*>", re.I
)


_GONE = "\x1a"


def _inline(line: str) -> str:
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(r"\1", line)
    line = _CODE.sub(r"\2", line)
    line = _STRONG.sub(r"\2", line)
    line = _EM_STAR.sub(r"\1", line)
    line = _EM_UNDER.sub(r"\1", line)
    line = _STRIKE.sub(r"\1", line)
    line = _TAG.sub("", line)
    return _ESCAPE.sub(r"\1", line)


def markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """Strip Markdown syntax; return ``(text, title)``.

    Headings become paragraphs of their own, links keep their text, images, HTML comments and
    raw HTML blocks are dropped, and emphasis markers are removed. The title is the front
    matter's ``title`` or else the first level-1 heading.

    Example:
        >>> text, title = markdown_to_text("# Storm *hits*\\nRain fell [all day](http://x.org).")
        >>> print(text)
        Storm hits
        <BLANKLINE>
        Rain fell all day.
        >>> title
        'Storm hits'
    """
    title: str | None = None
    fm = _FRONT_MATTER.match(markdown)
    if fm:
        t = _FRONT_TITLE.search(fm.group(1))
        if t:
            title = t.group(1).strip().strip("\"'") or None
        markdown = markdown[fm.end() :]
    # dropped material leaves a marker so that a line holding only it vanishes instead of
    # turning into a blank line that would split its paragraph
    markdown = _HTML_COMMENT.sub(_GONE, markdown)
    markdown = _RAW_BLOCK.sub(_GONE, markdown)
    markdown = _BLOCK_TAGS.sub("\n", markdown)

    out: list[str] = []
    lines = markdown.split("\n")
    for k, raw in enumerate(lines):
        if _FENCE.match(raw) or _REF_DEF.match(raw) or _TABLE_RULE.match(raw):
            continue
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        if raw.strip() and not _LIST.match(raw) and _SETEXT.match(nxt) and not _RULE.match(raw):
            heading = _inline(_QUOTE.sub("", raw)).strip()
            if title is None and nxt.strip().startswith("="):
                title = heading
            out.extend(["", heading, ""])
            continue
        if _SETEXT.match(raw) and out and out[-1] == "":
            continue  # the underline of the setext heading just emitted
        if _RULE.match(raw):
            out.append("")
            continue
        line = _QUOTE.sub("", raw)
        atx = _ATX.match(line)
        if atx:
            heading = _inline(atx.group(2)).strip()
            if title is None and len(atx.group(1)) == 1 and heading:
                title = heading
            out.extend(["", heading, ""])
            continue
        line = _inline(_LIST.sub("", line)).replace(_GONE, "")
        if line.strip() or not raw.strip():
            out.append(line)
    text = "\n".join(out).replace(_GONE, "")
    text = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)
    return text.strip(), title


class ExtractorMissingError(MissingDependencyError):
    """The HTML extractor cannot be imported: a broken or partial install, not a bad page."""

    def __init__(self, error: ImportError) -> None:
        RetoldError.__init__(
            self,
            f"reading HTML needs the HTML extractor, which failed to import ({error});"
            " reinstall retold with `pip install --force-reinstall retold`, or install the"
            " missing module (for lxml.html.clean: pip install lxml_html_clean)",
        )
        self.extra = "core"


def _trafilatura() -> ModuleType:
    try:
        import lxml.html.clean  # noqa: F401  (trafilatura needs it only on some pages)
        import trafilatura
    except ImportError as e:
        raise ExtractorMissingError(e) from None
    return trafilatura


@functools.cache
def _extractor_options() -> Any:
    """trafilatura's settings, built once: building them costs a sixth of a page's extraction."""
    from trafilatura.settings import Extractor

    # fast=True skips the second-opinion extractors (justext, readability): half the time
    return Extractor(
        output_format="python", fast=True, precision=True, comments=False, tables=False
    )


_META_TITLE = ("og:title", "twitter:title")
_META_DATE = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "dc.date.issued",
)


def _meta_content(root: Any, names: tuple[str, ...]) -> str | None:
    wanted = {n.lower() for n in names}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in wanted:
            value = " ".join((el.get("content") or "").split())
            if value:
                return value
    return None


def _first_text(root: Any, tag: str) -> str | None:
    for el in root.iter(tag):
        text = " ".join(el.text_content().split())
        if text:
            return text
    return None


def page_metadata(root: Any, url: str | None = None) -> dict[str, str | None]:
    """Title, publication date, address and site name of a parsed page.

    The title is the page's ``og:title``, else its first ``<h1>``, else its ``<title>``; the
    date comes from the page's publication metadata, else htmldate's reading of the page
    (bylines, ``<time>`` elements, the URL); the address is the canonical link, else ``url``.
    """
    title = (
        _meta_content(root, _META_TITLE) or _first_text(root, "h1") or _first_text(root, "title")
    )
    published = _meta_content(root, _META_DATE)
    if published is None:
        from htmldate import find_date

        try:
            published = find_date(root, extensive_search=False, original_date=True, url=url)
        except Exception:  # a date is a bonus: a parser hiccup must not lose the page
            published = None
    canonical = None
    for el in root.iter("link"):
        if (el.get("rel") or "").lower() == "canonical" and el.get("href", "").startswith("http"):
            canonical = el.get("href").strip()
            break
    return {
        "title": title,
        "published": published,
        "url": canonical or _meta_content(root, ("og:url",)) or url,
        "source": _meta_content(root, ("og:site_name", "application-name")),
    }


def html_to_text(
    html: str, *, url: str | None = None, bare_text: bool = True
) -> tuple[str, dict[str, str | None]]:
    """Main text of an HTML page and its metadata (title, published, url, source).

    Boilerplate (navigation, ads, footers) is removed with trafilatura; when it finds nothing,
    the text of ``<p>`` and ``<h1>``-``<h6>`` elements is taken instead. Scripts, styles and
    ``<noscript>`` never reach the text. The page is parsed once; see :func:`page_metadata`
    for where the metadata comes from.

    Args:
        html: The page.
        url: Where the page was fetched from (a crawl's target URI), used when the page does
            not name its own address.
        bare_text: When the page has no paragraph markup at all, keep its visible text (right
            for text saved as .html; wrong for crawled pages, where that text is navigation).

    Raises:
        ExtractorMissingError: The extractor or one of its modules is not installed.

    Example:
        >>> html_to_text("<html><body><p>One line.</p><script>x()</script></body></html>")[0]
        'One line.'
    """
    trafilatura = _trafilatura()
    from trafilatura.utils import load_html

    meta: dict[str, str | None] = {"title": None, "published": None, "url": url, "source": None}
    root = load_html(html)
    if root is None:  # not HTML after all (text saved as .html)
        return _fallback_html_text(html, bare_text=bare_text), meta
    meta = page_metadata(root, url)
    # the metadata is read first: extraction prunes the tree it is given
    found = trafilatura.bare_extraction(root, options=_extractor_options())
    if found is not None and found.text and found.text.strip():
        paragraphs = [p.strip() for p in found.text.split("\n") if p.strip()]
        return "\n\n".join(paragraphs), meta
    return _fallback_html_text(html, bare_text=bare_text), meta


def _fallback_html_text(html: str, *, bare_text: bool = True) -> str:
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(
        root, "script", "style", "noscript", "template", etree.Comment, with_tail=False
    )
    paragraphs = []
    for el in root.iter("p", "h1", "h2", "h3", "h4", "h5", "h6"):
        text = " ".join(el.text_content().split())
        if text:
            paragraphs.append(text)
    if not paragraphs and bare_text:
        # no paragraph markup at all (text saved as .html, or a page of bare <div>s): keep
        # the visible text, one paragraph per line
        body = root.find("body")
        lines = (body if body is not None else root).text_content().split("\n")
        paragraphs = [" ".join(line.split()) for line in lines if line.strip()]
    return "\n\n".join(paragraphs)


HEADLINE_MAX_CHARS = 160
# a one-line opening paragraph ending like a sentence is a lede, not a headline
_SENTENCE_END = (".", ",", ";", ":")


def text_headline(text: str) -> str | None:
    """The headline of a plain-text article: its first line, when that line stands alone.

    A first paragraph of a single line, at most 160 characters, not ending like a sentence
    (``.``, ``,``, ``;``, ``:``; a trailing ellipsis is fine) and followed by more text is taken
    as the headline; it stays in the text too.

    Example:
        >>> text_headline("Ferry runs aground\\n\\nA ferry ran aground on Saturday.")
        'Ferry runs aground'
        >>> text_headline("A ferry ran aground.\\n\\nAll were rescued.") is None
        True
    """
    first, sep, rest = text.strip().partition("\n\n")
    first = first.strip()
    if not sep or not rest.strip() or "\n" in first:
        return None
    trailing = first.endswith(_SENTENCE_END) and not first.endswith(("...", "…"))
    if len(first) > HEADLINE_MAX_CHARS or trailing:
        return None
    return " ".join(first.split()) or None

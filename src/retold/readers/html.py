"""HTML pages to article text and metadata: boilerplate removed, paragraphs kept apart.

Pages are parsed once with Resiliparse (the Lexbor HTML parser) and its main-content
extraction drops navigation, headers, footers, sidebars, comment sections and bylines. What
it keeps is cut into blocks (paragraphs, headings, table cells, lines split by ``<br>``), and
the article is the run of blocks from the first to the last one that reads like prose: link
bars above the story and share buttons, author boxes and copyright lines below it go. Elements
whose class or id names an advertisement, a share bar, a newsletter or cookie box, a "read
more" teaser, related links or a pull quote are skipped wherever they are.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from retold.errors import MissingDependencyError, RetoldError

if TYPE_CHECKING:
    from resiliparse.parse.html import ElementNode, HTMLTree

# boilerplate that main-content rules keep because it sits inside the story's container;
# `~=` and `^=` match whole class tokens and prefixes, so "header" or "lead" never match "ad";
# nothing about subscriptions, which also name the containers of paywalled stories
SKIP_SELECTORS = (
    "[class~=ad]",
    "[id~=ad]",
    "[class^=ad-]",
    "[id^=ad-]",
    "[class*=advert]",
    "[id*=advert]",
    "[class*=sponsor]",
    "[class*=share]",
    "[class*=social]",
    "[class*=newsletter]",
    "[class*=cookie]",
    "[id*=cookie]",
    "[class*=consent]",
    "[class*=read-more]",
    "[class*=readmore]",
    "[class*=related]",
    "[class*=author-box]",
    "[class*=pullquote]",
    "[class*=pull-quote]",
)
# a block that reads like prose: enough words and a sentence's end, or simply long
PROSE_MIN_WORDS = 10
LONG_BLOCK_WORDS = 30
_SENTENCE_END = re.compile(r"[.!?…。！？।؟][\"'”’»)\]」』）]*$")
# scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese):
# two of their characters count as a word
_UNSPACED = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_HEADING = re.compile(r"<h[1-6]\b[^>]*>", re.I)
_HEADING_MARK = "\x02"  # a control character: normalisation would remove any left in the text
_BREAKS = re.compile(r"<br\s*/?>|</(?:p|h[1-6]|li|ul|ol|pre|blockquote)>|\t+", re.I)
_TAG = re.compile(r"<[^<>]*>")
_LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z!/?]")

_META_TITLE = ("og:title", "twitter:title")
_META_DATE = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "dc.date.issued",
)
_META_SOURCE = ("og:site_name", "application-name")
# schema.org markup, which most news sites embed: read without parsing the JSON (a page often
# holds several objects, and only this one value is wanted)
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"<>]{8,40})"')


class ExtractorMissingError(MissingDependencyError):
    """The HTML extractor cannot be imported: a broken or partial install, not a bad page."""

    def __init__(self, error: ImportError) -> None:
        RetoldError.__init__(
            self,
            f"reading HTML needs the HTML extractor, which failed to import ({error});"
            " reinstall retold with `pip install --force-reinstall retold`, or install the"
            " missing module (for resiliparse: pip install 'resiliparse>=2.0')",
        )
        self.extra = "core"


@functools.cache
def _parser() -> tuple[Callable[[str], HTMLTree], Callable[..., str], type[ElementNode]]:
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import ElementNode, HTMLTree
    except ImportError as e:
        raise ExtractorMissingError(e) from None
    return HTMLTree.parse, extract_plain_text, ElementNode


def html_to_text(
    html: str, *, url: str | None = None, bare_text: bool = True
) -> tuple[str, dict[str, str | None]]:
    """Main text of an HTML page and its metadata (title, published, url, source).

    See the module docstring for how the article is told from the rest of the page; see
    :func:`page_metadata` for where the metadata comes from. Scripts, styles and
    ``<noscript>`` never reach the text.

    Args:
        html: The page.
        url: Where the page was fetched from (a crawl's target URI), used when the page does
            not name its own address.
        bare_text: Keep what there is when no block reads like prose (a short notice), and
            the visible text when there is no main content at all: right for a page saved as
            .html; wrong for crawled pages, where such text is a section front, a list of
            headlines or navigation, and the page is left without text.

    Raises:
        ExtractorMissingError: The extractor is not installed.

    Example:
        >>> html_to_text("<html><body><p>One line.</p><script>x()</script></body></html>")[0]
        'One line.'
    """
    parse, _, _ = _parser()
    meta: dict[str, str | None] = {"title": None, "published": None, "url": url, "source": None}
    if not _LOOKS_LIKE_HTML.search(html):  # text saved as .html: its lines are its paragraphs
        lines = [" ".join(line.split()) for line in html.splitlines()]
        return "\n\n".join(line for line in lines if line), meta
    tree = parse(html)
    meta = page_metadata(tree, html, url)
    text = main_text(tree, notices=bare_text)
    if not text and bare_text:
        text = visible_text(tree)
    return text, meta


def main_text(tree: HTMLTree, *, notices: bool = True) -> str:
    """The article of a parsed page as paragraphs separated by blank lines ("" for none).

    ``notices``: keep a page where no block reads like prose (see :func:`article_blocks`).
    """
    _, extract, _ = _parser()
    _keep_text_lists(tree)
    marked = extract(
        tree,
        preserve_formatting="minimal_html",
        main_content=True,
        list_bullets=False,
        alt_texts=False,
        links=False,
        comments=False,
        post_meta=False,
        skip_elements=SKIP_SELECTORS,
    )
    return "\n\n".join(article_blocks(_blocks(marked), notices=notices))


def _keep_text_lists(tree: HTMLTree) -> None:
    """Make bulleted lists of text numbered ones, which main-content extraction keeps.

    The extractor takes every ``<ul>`` for a menu and drops it, but the key points of a story
    are bulleted too; a list with fewer links than items is not a menu.
    """
    element = _parser()[2]
    body = tree.body
    for ul in body.query_selector_all("ul") if body is not None else ():
        parent = ul.parent
        if parent is None:
            continue
        links = len(ul.query_selector_all("a"))
        if links and links >= len(ul.query_selector_all("li")):
            continue
        ol = tree.create_element("ol")
        if not isinstance(ol, element):
            continue
        for name in ("class", "id"):
            value = ul.getattr(name)
            if value:
                ol.setattr(name, value)
        for child in list(ul.child_nodes):
            ol.append_child(child)
        parent.replace_child(ol, ul)


def visible_text(tree: HTMLTree) -> str:
    """All visible text of a parsed page, one paragraph per block."""
    _, extract, _ = _parser()
    marked = extract(tree, preserve_formatting="minimal_html", list_bullets=False, alt_texts=False)
    return "\n\n".join(text for _, text in _blocks(marked))


def _blocks(marked: str) -> list[tuple[bool, str]]:
    """``(is_heading, text)`` for each block of the extractor's minimal HTML."""
    # whole-string passes: a heading opens a line of its own, marked; then no markup is left
    marked = _TAG.sub("", _BREAKS.sub("\n", _HEADING.sub("\n" + _HEADING_MARK, marked)))
    if "&" in marked:
        marked = html_lib.unescape(marked)
    out = []
    for line in marked.split("\n"):
        heading = line.startswith(_HEADING_MARK)
        text = " ".join(line.replace(_HEADING_MARK, " ").split()) if heading else line.strip()
        if text:
            out.append((heading, text))
    return out


def word_count(text: str) -> int:
    """Words of a block; in scripts without spaces, two characters count as one.

    Example:
        >>> word_count("The ferry sailed again."), word_count("渡轮周二在两天风暴后恢复航行。")
        (4, 8)
    """
    if _UNSPACED.search(text) is None:
        return len(text.split())
    unspaced = len(_UNSPACED.findall(text))
    return len(_UNSPACED.sub("", text).split()) + unspaced // 2


def is_prose(text: str) -> bool:
    """Whether a block reads like a paragraph of an article rather than a label or a link.

    Example:
        >>> is_prose("The ferry to Holmsund sailed again on Tuesday after two days of storm.")
        True
        >>> is_prose("Share this story: Facebook X Email"), is_prose("© 2025 Harbour Gazette")
        (False, False)
    """
    words = word_count(text)
    return words >= LONG_BLOCK_WORDS or (
        words >= PROSE_MIN_WORDS and _SENTENCE_END.search(text) is not None
    )


def article_blocks(blocks: list[tuple[bool, str]], *, notices: bool = True) -> list[str]:
    """The blocks from the first to the last prose block, with the headings before them.

    One-word blocks inside the article ("Advertisement") go. When no block reads like
    prose, every block is kept (a short notice) with ``notices``, else none.

    Example:
        >>> blocks = [(False, "News | Sport"), (True, "Dam bursts"),
        ...           (False, "A dam burst at dawn on Monday and flooded the valley below."),
        ...           (False, "Advertisement"), (False, "Nobody was hurt."),
        ...           (False, "Rescue teams searched the farms along the river all night."),
        ...           (False, "About us")]
        >>> for text in article_blocks(blocks):
        ...     print(text)
        Dam bursts
        A dam burst at dawn on Monday and flooded the valley below.
        Nobody was hurt.
        Rescue teams searched the farms along the river all night.
    """
    prose = [k for k, (_, text) in enumerate(blocks) if is_prose(text)]
    if not prose:
        return [text for _, text in blocks] if notices else []
    first, last = prose[0], prose[-1]
    kept = [text for heading, text in blocks[:first] if heading]
    for k in range(first, last + 1):
        heading, text = blocks[k]
        if heading or word_count(text) > 1:
            kept.append(text)
    return kept


def _meta_content(metas: list[tuple[str, str]], names: tuple[str, ...]) -> str | None:
    for wanted in names:
        for key, value in metas:
            if key == wanted and value:
                return value
    return None


def _first_text(tree: HTMLTree, selector: str) -> str | None:
    body = tree.body
    for el in body.query_selector_all(selector) if body is not None else ():
        text = " ".join((el.text or "").split())
        if text:
            return text
    return None


def page_metadata(tree: HTMLTree, html: str, url: str | None = None) -> dict[str, str | None]:
    """Title, publication date, address and site name of a parsed page.

    The title is the page's ``og:title``, else its first ``<h1>``, else its ``<title>``; the
    date comes from the page's publication metadata (``<meta>`` tags, else schema.org's
    ``datePublished``), else htmldate's reading of the page (bylines, ``<time>`` elements, the
    URL); the address is the canonical link, else ``url``.
    """
    metas: list[tuple[str, str]] = []
    links: list[Any] = []
    root = tree.document
    if root is not None:
        for el in root.query_selector_all("meta[content]"):
            key = el.getattr("property") or el.getattr("name") or el.getattr("itemprop") or ""
            metas.append((key.lower(), " ".join((el.getattr("content") or "").split())))
        links = list(root.query_selector_all("link[rel][href]"))
    title = (
        _meta_content(metas, _META_TITLE)
        or _first_text(tree, "h1")
        or (" ".join((tree.title or "").split()) or None)
    )
    published = _meta_content(metas, _META_DATE)
    if published is None and (ld := _JSON_LD_DATE.search(html)) is not None:
        published = ld.group(1).strip()
    if published is None:
        # htmldate reads bylines, <time> elements and the URL: a millisecond or more a page,
        # so it is the last resort
        from htmldate import find_date

        try:
            published = find_date(html, extensive_search=False, original_date=True, url=url)
        except Exception:  # a date is a bonus: a parser hiccup must not lose the page
            published = None
    canonical = None
    for el in links:
        href = (el.getattr("href") or "").strip()
        if (el.getattr("rel") or "").lower() == "canonical" and href.startswith("http"):
            canonical = href
            break
    return {
        "title": title,
        "published": published,
        "url": canonical or _meta_content(metas, ("og:url",)) or url,
        "source": _meta_content(metas, _META_SOURCE),
    }


__all__ = [
    "SKIP_SELECTORS",
    "ExtractorMissingError",
    "article_blocks",
    "html_to_text",
    "is_prose",
    "main_text",
    "page_metadata",
    "visible_text",
    "word_count",
]

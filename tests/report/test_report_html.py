"""HTML report: escaped article text, strict CSP, no external assets, every row shape."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from retold.documents import Alignment, Comparison, Direction, Document, Verdict
from retold.report.assets import script_hash
from retold.report.html import REPORT_CSS, REPORT_JS, render_html, render_pair_table
from retold.segment import segment

# every element the report itself writes; article text must never add one
OWN_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "span", "dl",
    "dt", "dd", "b", "main", "div", "i", "label", "input", "kbd", "table", "colgroup", "col",
    "thead", "tbody", "tr", "th", "td", "del", "ins", "section", "ul", "li", "a", "br", "footer",
    "script", "p",
}  # fmt: skip


class Page(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)

    def by_id(self, ident: str) -> dict[str, str | None]:
        return next(attrs for tag, attrs in self.tags if attrs.get("id") == ident)


def test_article_html_is_shown_as_text(comparison: Comparison) -> None:
    page = render_html(comparison)
    parsed = Page(page)
    assert parsed.scripts == [REPORT_JS]
    assert {tag for tag, _ in parsed.tags} <= OWN_TAGS
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    text = "".join(parsed.text)
    assert "<script>alert(1)</script> & <img src=x onerror=alert(1)>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in page
    assert "[bold]not bold[/]" in text


def test_strict_content_security_policy(comparison: Comparison) -> None:
    parsed = Page(render_html(comparison))
    csp = [
        attrs["content"]
        for tag, attrs in parsed.tags
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert len(csp) == 1 and csp[0] is not None
    policy = dict(p.strip().split(" ", 1) for p in csp[0].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["style-src"] == "'unsafe-inline'"
    assert policy["script-src"] == script_hash(REPORT_JS)


def test_no_external_assets(comparison: Comparison) -> None:
    page = render_html(comparison)
    assert not re.search(r"https?://", page)
    assert "@import" not in REPORT_CSS and "url(" not in REPORT_CSS
    parsed = Page(page)
    assert not [tag for tag, attrs in parsed.tags if "src" in attrs or tag in ("link", "img")]


def test_only_web_addresses_become_links(comparison: Comparison) -> None:
    def with_url(c: Comparison, side: str, url: str) -> Comparison:
        seg = getattr(c, side)
        doc = dataclasses.replace(seg.document, url=url)
        return dataclasses.replace(c, **{side: dataclasses.replace(seg, document=doc)})

    c = with_url(comparison, "a", "javascript:alert(1)")
    c = with_url(c, "b", "https://news.example/ferry?a=1&b=2")
    parsed = Page(render_html(c))
    hrefs = [attrs["href"] for tag, attrs in parsed.tags if tag == "a"]
    assert "https://news.example/ferry?a=1&b=2" in hrefs
    assert not [h for h in hrefs if h and h.startswith("javascript")]
    assert "javascript:alert(1)" in "".join(parsed.text)


def test_rows_links_and_diff(comparison: Comparison) -> None:
    page = render_html(comparison)
    parsed = Page(page)
    assert "<del>voted</del>" in page and "<ins>agreed</ins>" in page
    assert "<del>Varga</del>" in page and "<ins>Varg</ins>" in page
    # 1:2 link: one row holding A2 and B2 + B3
    merged = re.search(r'<tr class="[^"]*" id="link-1".*?</tr>', page)
    assert merged is not None
    row = merged.group()
    assert 'id="a-2"' in row and 'id="b-2"' in row and 'id="b-3"' in row
    assert '<span class="rt-shape">1:2</span>' in row
    # moved link
    moved = parsed.by_id("link-5")["class"] or ""
    assert "rt-moved" in moved.split() and "rt-identical" in moved.split()
    assert '<span class="rt-movedtag">moved</span>' in page
    # one-side-only rows with their class, B's in B's reading order (after B4, before A4)
    ids = [attrs.get("id") or "" for _, attrs in parsed.tags]
    order = [i for i in ids if i.startswith(("a-", "b-"))]
    rows = order[: order.index("b-1") + 1]
    assert rows.index("b-4") < rows.index("b-5") < rows.index("a-4")
    assert '<span class="rt-badge rt-badge-caption">caption</span>' in page
    assert '<span class="rt-badge rt-badge-heading">heading</span>' in page


def test_header_changes_legend(comparison: Comparison) -> None:
    page = render_html(comparison)
    text = " ".join("".join(Page(page).text).split())
    assert 'class="rt-verdict rt-v-rewrite">rewrite<' in page
    assert "82%" in text and "87%" in text and 'style="width:82.0%"' in page
    assert "a → b A is the source; confidence 0.74: A was published first" in text
    assert "Varga → Varg" in text and "12 percent → 15 percent" in text
    assert "A only caption Passengers arriving at the quay" in text
    for label in ("identical", "edited", "reworded", "moved", "one side only"):
        assert label in text
    assert "@media print" in REPORT_CSS


def test_fragment_is_reused_by_the_page(comparison: Comparison) -> None:
    table = render_pair_table(comparison)
    assert table.startswith('<table class="rt-pair">') and table.endswith("</table>")
    page = render_html(comparison)
    assert table in page and REPORT_CSS in page


NASTY = st.text(alphabet="<>&\"'/=; abcscriptimgonerror\n.", max_size=60)


@settings(max_examples=40, deadline=None)
@given(NASTY, NASTY, NASTY)
def test_no_text_can_open_an_element(a_text: str, b_text: str, title: str) -> None:
    a = segment(Document('<b id="x">', a_text, title=title))
    b = segment(Document("b", b_text, published=title))
    al = Alignment((), tuple(range(len(a.sentences))), tuple(range(len(b.sentences))))
    c = Comparison(a, b, Verdict.UNRELATED, 0.0, 0.0, Direction(None, 0.0, title), al, ())
    parsed = Page(render_html(c, title=title))
    assert parsed.scripts == [REPORT_JS]
    assert {tag for tag, _ in parsed.tags} <= OWN_TAGS
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]

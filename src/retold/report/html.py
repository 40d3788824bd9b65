"""A comparison as one standalone HTML page: verdict, side-by-side alignment, changes.

The page loads nothing from the network (inline CSS and script, a Content-Security-Policy that
forbids everything else) and every piece of article text is escaped, so an article containing
``<script>`` shows it as text. The fragments (:func:`render_header`, :func:`render_pair_table`,
:func:`render_changes`, :func:`render_legend`) and :data:`REPORT_CSS` are what the web viewer
reuses for its pair page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from retold import __version__
from retold.documents import Change, ChangeKind, Comparison, Segmented
from retold.report import layout
from retold.report.assets import REPORT_CSS, REPORT_JS, content_security_policy, script_hash
from retold.report.diff import cut_segments, side_segments, word_diff

__all__ = [
    "REPORT_CSS",
    "REPORT_JS",
    "content_security_policy",
    "esc",
    "render_changes",
    "render_header",
    "render_html",
    "render_legend",
    "render_pair_table",
    "script_hash",
    "sentence_html",
]

# one-side-only classes that have a badge colour; anything else gets the plain badge
_BADGES = frozenset({"caption", "credit", "heading", "boilerplate", "body"})
_Pieces = Sequence[tuple[str, bool]]
# our own constant (quotes, hashes, keywords): left unescaped so it reads as written
_CSP = html.escape(content_security_policy(REPORT_JS), quote=False)


def esc(value: object) -> str:
    """Escape any value for HTML text or a double-quoted attribute.

    Example:
        >>> esc('<img src=x onerror="alert(1)">')
        '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(str(value), quote=True)


def render_html(c: Comparison, *, title: str | None = None) -> str:
    """The whole report as one self-contained HTML page.

    Args:
        c: The comparison.
        title: Page title (default: verdict and the two ids).

    Example:
        >>> from retold.documents import *
        >>> seg = Segmented(Document("a.txt", ""), ())
        >>> c = Comparison(seg, seg, Verdict.UNRELATED, 0.0, 0.0, Direction(None, 0.0, ""),
        ...                Alignment((), (), ()), ())
        >>> page = render_html(c)
        >>> page.startswith("<!DOCTYPE html>"), "default-src 'none'" in page
        (True, True)
    """
    page_title = title or f"retold · {c.verdict} · {c.a.id} vs {c.b.id}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(page_title)}</title>",
            f"<style>\n{REPORT_CSS}\n</style>",
            "</head>",
            '<body class="rt">',
            render_header(c),
            "<main>",
            render_legend(),
            render_pair_table(c),
            render_changes(c),
            "</main>",
            f'<footer class="rt-foot">retold {esc(__version__)}'
            + (f" · model {esc(c.model)}" if c.model else "")
            + "</footer>",
            f"<script>{REPORT_JS}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def render_header(c: Comparison) -> str:
    """Verdict, the two documents, coverage bars, direction and scores."""
    d = c.direction
    source = {"a": "A is the source", "b": "B is the source"}.get(d.source or "", "no telling")
    rows = [
        ("A", _doc(c.a)),
        ("B", _doc(c.b)),
        ("coverage", _coverage("A", c.coverage_a) + _coverage("B", c.coverage_b)),
        (
            "direction",
            f'<b>{esc(layout.direction_text(d))}</b> <span class="rt-muted">{esc(source)}; '
            f"confidence {d.confidence:.2f}{': ' + esc(d.reason) if d.reason else ''}</span>",
        ),
    ]
    if c.rewriting is not None and c.rewriting.summary:
        rows.append(("how", esc(f"{c.rewriting.copy.upper()}: {c.rewriting.summary}")))
    if c.scores:
        scores = "".join(
            f"<span>{esc(name)} <b>{layout.score_text(value)}</b></span>"
            for name, value in c.scores.items()
        )
        rows.append(("scores", f'<div class="rt-scores">{scores}</div>'))
    if c.model:
        rows.append(("model", esc(c.model)))
    if c.language_a or c.language_b:
        languages = f"A {c.language_a or '?'} · B {c.language_b or '?'}"
        rows.append(("languages", esc(languages + (" (translated)" if c.translated else ""))))
    facts = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    reuse = "reuse" if c.verdict.is_reuse else "no reuse"
    if c.translated:
        reuse += f" · translated {c.language_a} → {c.language_b}"
    return (
        '<header class="rt-head">'
        f'<h1><span class="rt-verdict rt-v-{esc(c.verdict)}">{esc(c.verdict)}</span>'
        f'<span class="rt-muted">{reuse}</span></h1>'
        f'<dl class="rt-facts">{facts}</dl></header>'
    )


def render_legend() -> str:
    """Link-kind swatches, the word-change styles, the keys and the reworded-diff toggle."""
    kinds = "".join(
        f'<span><i class="rt-sw rt-sw-{k}"></i>{label}</span>'
        for k, label in (
            ("identical", "identical"),
            ("edited", "edited"),
            ("reworded", "reworded"),
            ("moved", "moved"),
            ("only", "one side only"),
        )
    )
    return (
        f'<div class="rt-legend">{kinds}'
        '<span><span class="rt-old">deleted</span> <span class="rt-new">inserted</span></span>'
        '<label class="rt-toggle"><input type="checkbox" id="rt-all"> '
        "word changes in reworded links too</label>"
        '<span class="rt-keys"><kbd>j</kbd> <kbd>k</kbd> next / previous row</span></div>'
    )


def render_pair_table(c: Comparison) -> str:
    """The side-by-side table: one row per link in A's order, one-side-only rows in between.

    Linked sentences share a row; a 1:2 or 2:1 link is one row whose fuller side stacks its
    sentences. Words changed inside a link are wrapped in ``<del>`` (on A) and ``<ins>`` (on B);
    the stylesheet shows them for edited links (and reworded ones when the toggle is on).
    """
    head = (
        '<colgroup><col><col class="rt-col-m"><col></colgroup>'
        f'<thead><tr><th class="rt-a">A · {_doc_name(c.a)}</th><th class="rt-m">link</th>'
        f'<th class="rt-b">B · {_doc_name(c.b)}</th></tr></thead>'
    )
    body = [_row_html(c, row, k) for k, row in enumerate(layout.rows(c))]
    return f'<table class="rt-pair">{head}<tbody>{"".join(body)}</tbody></table>'


def render_changes(c: Comparison) -> str:
    """The changes worth a look, grouped by kind, each with links to its sentences."""
    groups = layout.grouped_changes(c.changes)
    if not groups:
        return '<section class="rt-changes"><h2>Changes worth a look</h2><p>None.</p></section>'
    out = ['<section class="rt-changes"><h2>Changes worth a look</h2>']
    for kind, items in groups:
        out.append(f"<h3>{esc(layout.CHANGE_TITLES.get(kind, str(kind)))} ({len(items)})</h3><ul>")
        if kind == ChangeKind.NUMBER_AGREES:
            values = dict.fromkeys(layout.agreed_value(ch) for ch in items)
            out.append("".join(f"<li>{esc(v)}</li>" for v in values))
        else:
            out.extend(_change_item(c, ch) for ch in items)
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def sentence_html(side: str, index: int, pieces: _Pieces) -> str:
    """One sentence as a span with its anchor (``a-3``), number and escaped, diffed text."""
    inner = "".join(_piece(side, text, changed) for text, changed in pieces)
    return (
        f'<span class="rt-s" id="{side}-{index}"><span class="rt-n">{side.upper()}{index}</span>'
        f"{inner}</span>"
    )


def _row_html(c: Comparison, row: layout.Row, position: int) -> str:
    if row.link is None:
        side = row.side or "a"
        index = (row.a or row.b)[0]
        seg = c.a if side == "a" else c.b
        cls = layout.sentence_class(c, side, index)
        badge = f"rt-badge-{cls}" if cls in _BADGES else "rt-badge-other"
        cell = f'<td class="rt-{side}">{sentence_html(side, index, _plain(seg, index))}</td>'
        empty = f'<td class="rt-{"b" if side == "a" else "a"} rt-empty"></td>'
        middle = (
            f'<td class="rt-m"><span class="rt-kind">{side.upper()} only</span>'
            f'<span class="rt-badge {badge}">{esc(cls)}</span></td>'
        )
        cells = cell + middle + empty if side == "a" else empty + middle + cell
        return f'<tr class="rt-row rt-only rt-only-{side}" id="row-{position}">{cells}</tr>'
    link = row.link
    a_text, a_spans = layout.joined(c.a, row.a)
    b_text, b_spans = layout.joined(c.b, row.b)
    parts = word_diff(a_text, b_text)
    a_cut = cut_segments(side_segments(parts, "a"), a_spans)
    b_cut = cut_segments(side_segments(parts, "b"), b_spans)
    a_cell = "".join(sentence_html("a", i, p) for i, p in zip(row.a, a_cut, strict=True))
    b_cell = "".join(sentence_html("b", j, p) for j, p in zip(row.b, b_cut, strict=True))
    classes = f"rt-row rt-link rt-{esc(link.kind)}" + (" rt-moved" if link.moved else "")
    label = [f'<span class="rt-kind">{esc(link.kind)}</span>']
    label.append(f'<span class="rt-sim">{link.similarity:.2f}</span>')
    if len(link.a) != 1 or len(link.b) != 1:
        label.append(f'<span class="rt-shape">{len(link.a)}:{len(link.b)}</span>')
    if link.moved:
        label.append('<span class="rt-movedtag">moved</span>')
    return (
        f'<tr class="{classes}" id="link-{row.number}" data-row="{position}">'
        f'<td class="rt-a">{a_cell}</td><td class="rt-m">{"".join(label)}</td>'
        f'<td class="rt-b">{b_cell}</td></tr>'
    )


def _piece(side: str, text: str, changed: bool) -> str:
    if not changed:
        return esc(text)
    tag = "del" if side == "a" else "ins"
    return f"<{tag}>{esc(text)}</{tag}>"


def _plain(seg: Segmented, index: int) -> _Pieces:
    return [(seg.sentences[index].text, False)]


def _change_item(c: Comparison, change: Change) -> str:
    a, b = layout.change_text(c, change)
    refs = []
    if change.a_sentence is not None:
        refs.append(f'<a href="#a-{int(change.a_sentence)}">A{int(change.a_sentence)}</a>')
    if change.b_sentence is not None:
        refs.append(f'<a href="#b-{int(change.b_sentence)}">B{int(change.b_sentence)}</a>')
    ref = f'<span class="rt-ref">{" ".join(refs)}</span>' if refs else ""
    detail = f' <span class="rt-muted">({esc(change.detail)})</span>' if change.detail else ""
    if change.kind == ChangeKind.ONE_SIDE_ONLY:
        side = "A" if a is not None else "B"
        text = a if a is not None else b or ""
        badge = f' <span class="rt-badge">{esc(change.detail)}</span>' if change.detail else ""
        return f"<li><b>{side} only</b>{badge} {esc(layout.shorten(text, 160))}{ref}</li>"
    if change.kind == ChangeKind.QUOTE_ALTERED:
        return (
            f'<li>A: <span class="rt-old">{esc(a or "")}</span><br>'
            f'B: <span class="rt-new">{esc(b or "")}</span>{detail}{ref}</li>'
        )
    return (
        f'<li><span class="rt-old">{esc(a if a is not None else "—")}</span> → '
        f'<span class="rt-new">{esc(b if b is not None else "—")}</span>{detail}{ref}</li>'
    )


def _doc(seg: Segmented) -> str:
    doc = seg.document
    meta = []
    if doc.title:
        meta.append(esc(doc.title))
    if doc.published:
        meta.append(esc(doc.published))
    if doc.source:
        meta.append(esc(doc.source))
    if doc.url and doc.url.lower().startswith(("http://", "https://")):
        # only web addresses become links: a javascript: URL in the data must stay inert
        meta.append(f'<a href="{esc(doc.url)}" rel="noopener noreferrer">{esc(doc.url)}</a>')
    elif doc.url:
        meta.append(esc(doc.url))
    extra = f'<span class="rt-meta">{" · ".join(meta)}</span>' if meta else ""
    count = f'<span class="rt-meta">{len(seg.sentences)} sentences</span>'
    return f'<span class="rt-doc"><b>{_doc_name(seg)}</b>{extra}{count}</span>'


def _doc_name(seg: Segmented) -> str:
    return esc(seg.id or "(no id)")


def _coverage(label: str, share: float) -> str:
    width = max(0.0, min(100.0, share * 100))
    return (
        f'<span class="rt-cov">{label} <span class="rt-bar"><span style="width:{width:.1f}%">'
        f"</span></span> <b>{layout.percent(share)}</b></span>"
    )

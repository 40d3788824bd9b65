"""The side-by-side table of a pair page: the HTML report's table, with names and numbers marked.

The table itself is ``retold.report.html.render_pair_table`` (shared with ``retold compare
--html``), which escapes every piece of article text. The report marks changed names and numbers
only in its list of changes; the viewer also marks them inside the sentences they were found in,
by wrapping whole-word occurrences in the table's text nodes (never inside a tag) with
``<mark>``. The marked text is the report's already-escaped text, so no new text is introduced.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from markupsafe import Markup

from retold.documents import ChangeKind, Comparison
from retold.report.html import render_changes, render_legend, render_pair_table

__all__ = ["changes_html", "legend_html", "mark_changes", "pair_table"]

# change kinds marked inside the sentences they were found in, with their CSS class
MARKED = {
    ChangeKind.NAME_VARIANT: "name",
    ChangeKind.NUMBER_DIFFERS: "number-differs",
    ChangeKind.NUMBER_AGREES: "number-agrees",
    ChangeKind.QUOTE_ALTERED: "quote",
}
_SENTENCE = re.compile(r'<span class="rt-s" id="([ab])-(\d+)">')
_TAG = re.compile(r"(<[^>]*>)")

Term = tuple[str, str, str]  # escaped text to mark, css class, escaped tooltip


def terms_by_sentence(c: Comparison) -> dict[tuple[str, int], list[Term]]:
    """For each ``(side, sentence index)``, the flagged names and numbers found in it."""
    out: dict[tuple[str, int], list[Term]] = {}
    for ch in c.changes:
        css = MARKED.get(ch.kind)
        if css is None:
            continue
        for side, here, there, sentence in (
            ("a", ch.a, ch.b, ch.a_sentence),
            ("b", ch.b, ch.a, ch.b_sentence),
        ):
            if not here or sentence is None:
                continue
            tip = f"{ch.kind}: {here} / {there}" if there and there != here else str(ch.kind)
            out.setdefault((side, sentence), []).append(
                (html.escape(here, quote=False), css, html.escape(tip, quote=True))
            )
    return out


def _mark_text(chunk: str, terms: Sequence[Term]) -> str:
    by_text = {t[0]: t for t in sorted(terms, key=lambda t: -len(t[0]))}
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in by_text))

    def wrap(m: re.Match[str]) -> str:
        _, css, tip = by_text[m.group()]
        return f'<mark class="rt-mark rt-mark-{css}" title="{tip}">{m.group()}</mark>'

    parts = _TAG.split(chunk)
    # odd positions are tags; only text between tags is touched
    return "".join(p if k % 2 else pattern.sub(wrap, p) for k, p in enumerate(parts))


def mark_changes(table: str, c: Comparison) -> str:
    """``table`` with the comparison's names and numbers wrapped in ``<mark>`` where found.

    Example:
        >>> from retold.documents import *
        >>> from retold.segment import segment
        >>> a, b = segment(Document("a", "Solbakk spoke.")), segment(Document("b", "Solbak spoke."))
        >>> ch = Change(ChangeKind.NAME_VARIANT, "Solbakk", "Solbak", 0, 0)
        >>> c = Comparison(a, b, Verdict.REWRITE, 1, 1, Direction(None, 0, ""),
        ...                Alignment((Link((0,), (0,), 0.9),), (), ()), (ch,))
        >>> out = mark_changes('<span class="rt-s" id="b-0">Solbak spoke.</span>', c)
        >>> out[out.index("<mark") : out.index("</mark>") + 7]
        '<mark class="rt-mark rt-mark-name" title="name-variant: Solbak / Solbakk">Solbak</mark>'
    """
    terms = terms_by_sentence(c)
    if not terms:
        return table
    out: list[str] = []
    pos = 0
    starts = list(_SENTENCE.finditer(table))
    for k, m in enumerate(starts):
        out.append(table[pos : m.end()])
        end = starts[k + 1].start() if k + 1 < len(starts) else len(table)
        # a sentence runs to the next sentence or the end of its cell, whichever comes first
        cell_end = table.find("</td>", m.end(), end)
        stop = cell_end if cell_end >= 0 else end
        chunk = table[m.end() : stop]
        found = terms.get((m.group(1), int(m.group(2))))
        out.append(_mark_text(chunk, found) if found else chunk)
        pos = stop
    out.append(table[pos:])
    return "".join(out)


def pair_table(c: Comparison) -> Markup:
    """The report's side-by-side table with names and numbers marked, as safe markup."""
    return Markup(mark_changes(render_pair_table(c), c))


def changes_html(c: Comparison) -> Markup:
    """The report's grouped list of changes (its sentence references link into the table)."""
    return Markup(render_changes(c))


def legend_html() -> Markup:
    """The report's legend: link kinds, word-change styles, keys, reworded-diff toggle."""
    return Markup(render_legend())

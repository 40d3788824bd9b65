"""What every renderer shows, in which order: rows of a side-by-side view and grouped changes.

The terminal and HTML renderers (and the web viewer) share this so they never disagree about
where a sentence found on one side only is shown, or how a change is worded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retold.documents import Change, ChangeKind, Comparison, Direction, Link, Segmented

# change kinds in the order a reader wants them
CHANGE_ORDER: tuple[ChangeKind, ...] = (
    ChangeKind.NAME_VARIANT,
    ChangeKind.NUMBER_DIFFERS,
    ChangeKind.NUMBER_AGREES,
    ChangeKind.QUOTE_ALTERED,
    ChangeKind.ONE_SIDE_ONLY,
)
CHANGE_TITLES: dict[ChangeKind, str] = {
    ChangeKind.NAME_VARIANT: "Names spelled differently",
    ChangeKind.NUMBER_DIFFERS: "Numbers that differ",
    ChangeKind.NUMBER_AGREES: "Numbers that agree",
    ChangeKind.QUOTE_ALTERED: "Quotes altered",
    ChangeKind.ONE_SIDE_ONLY: "On one side only",
}
SEPARATOR = " "


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a side-by-side view.

    Attributes:
        a: Sentence indices of A shown in this row (empty for a sentence of B only).
        b: Sentence indices of B shown in this row (empty for a sentence of A only).
        link: The link this row shows, or None for a one-side-only row.
        number: Position of the link in ``alignment.links`` (None for one-side-only rows).
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    link: Link | None = None
    number: int | None = None

    @property
    def side(self) -> str | None:
        """``"a"`` or ``"b"`` for a one-side-only row, None for a link."""
        if self.link is not None:
            return None
        return "a" if self.a else "b"


def rows(c: Comparison) -> list[Row]:
    """Rows in the reading order of A, with sentences of B only placed where B has them.

    A sentence of B only goes right after the row holding the B sentence before it (a moved
    link does not count: it sits at A's position, not B's); with none before it, it goes before
    the first row holding a later B sentence.

    Example:
        >>> from retold.documents import *
        >>> seg = lambda n: Segmented(Document("x", ""), ())
        >>> al = Alignment((Link((0,), (0,), 1.0), Link((2,), (2,), 0.9)), a_only=(1,), b_only=(1,))
        >>> c = Comparison(seg(0), seg(0), Verdict.REWRITE, 1, 1, Direction(None, 0, ""), al, ())
        >>> [(r.a, r.b) for r in rows(c)]
        [((0,), (0,)), ((), (1,)), ((1,), ()), ((2,), (2,))]
    """
    al = c.alignment
    linked_a = {i for link in al.links for i in link.a}
    linked_b = {j for link in al.links for j in link.b}
    a_only = set(al.a_only) | (set(range(len(c.a.sentences))) - linked_a)
    b_only = set(al.b_only) | (set(range(len(c.b.sentences))) - linked_b)
    keyed: list[tuple[int, int, Row]] = [
        (link.a[0] if link.a else -1, 0, Row(link.a, link.b, link, n))
        for n, link in enumerate(al.links)
    ]
    keyed += [(i, 1, Row((i,), ())) for i in a_only]
    out = [row for _, _, row in sorted(keyed, key=lambda t: (t[0], t[1]))]
    for j in sorted(b_only):
        out.insert(_b_position(out, j), Row((), (j,)))
    return out


def _b_position(out: Sequence[Row], j: int) -> int:
    best, position = -1, -1
    for k, row in enumerate(out):
        if row.link is not None and row.link.moved:
            continue
        for b in row.b:
            if best < b < j:
                best, position = b, k
    if position >= 0:
        return position + 1
    for k, row in enumerate(out):
        if (row.link is None or not row.link.moved) and any(b > j for b in row.b):
            return k
    return len(out)


def joined(seg: Segmented, indices: Sequence[int]) -> tuple[str, list[tuple[int, int]]]:
    """Texts of some sentences joined by a space, with each sentence's span in the result.

    Example:
        >>> from retold.documents import Document
        >>> from retold.segment import segment
        >>> joined(segment(Document("x", "One here. Two there.")), [0, 1])
        ('One here. Two there.', [(0, 9), (10, 20)])
    """
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for i in indices:
        text = seg.sentences[i].text
        if parts:
            pos += len(SEPARATOR)
        spans.append((pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    return SEPARATOR.join(parts), spans


def sentence_class(c: Comparison, side: str, index: int) -> str:
    """The class of a one-side-only sentence: the change's detail, else the sentence kind."""
    for change in c.changes:
        if change.kind != ChangeKind.ONE_SIDE_ONLY or not change.detail:
            continue
        if (side == "a" and change.a_sentence == index) or (
            side == "b" and change.b_sentence == index
        ):
            return change.detail
    seg = c.a if side == "a" else c.b
    return str(seg.sentences[index].kind)


def grouped_changes(changes: Sequence[Change]) -> list[tuple[ChangeKind, list[Change]]]:
    """Changes grouped by kind in reading order (names, numbers, quotes, one side only)."""
    groups = [(kind, [ch for ch in changes if ch.kind == kind]) for kind in CHANGE_ORDER]
    extra = [ch for ch in changes if ch.kind not in CHANGE_ORDER]
    if extra:
        groups.append((extra[0].kind, extra))
    return [(kind, items) for kind, items in groups if items]


def change_text(c: Comparison, change: Change) -> tuple[str | None, str | None]:
    """The text of each side of a change, falling back to the sentence it was found in."""
    a, b = change.a, change.b
    if change.kind == ChangeKind.ONE_SIDE_ONLY:
        if a is None and change.a_sentence is not None and change.a_sentence < len(c.a.sentences):
            a = c.a.sentences[change.a_sentence].text
        if b is None and change.b_sentence is not None and change.b_sentence < len(c.b.sentences):
            b = c.b.sentences[change.b_sentence].text
    return a, b


def agreed_value(change: Change) -> str:
    """A number both sides agree on, as ``1,200`` or ``1,200 = 1200`` when written differently.

    Example:
        >>> agreed_value(Change(ChangeKind.NUMBER_AGREES, "1,200", "1200"))
        '1,200 = 1200'
    """
    a, b = change.a or "", change.b or ""
    return a or b if not a or not b or a == b else f"{a} = {b}"


def direction_text(d: Direction) -> str:
    """``a → b`` when A is the source, ``b → a`` when B is, ``unknown`` otherwise.

    Example:
        >>> direction_text(Direction("a", 0.8, "published earlier"))
        'a → b'
    """
    if d.source == "a":
        return "a → b"
    if d.source == "b":
        return "b → a"
    return "unknown"


def score_text(value: float) -> str:
    """A score with two decimals, or as a whole number when it is a count.

    Example:
        >>> score_text(0.8765), score_text(15.0), score_text(1.0)
        ('0.88', '15', '1.00')
    """
    if float(value).is_integer() and abs(value) >= 2:
        return str(int(value))
    return f"{value:.2f}"


def percent(x: float) -> str:
    """A share as a whole percentage, never rounding a partial share up to 100% or down to 0%.

    Example:
        >>> percent(0.996), percent(0.004), percent(1.0)
        ('99%', '1%', '100%')
    """
    value = round(x * 100)
    if value == 100 and x < 1.0:
        value = 99
    if value == 0 and x > 0.0:
        value = 1
    return f"{value}%"


def shorten(text: str, limit: int = 120) -> str:
    """Text cut to ``limit`` characters with an ellipsis, whitespace runs collapsed."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"

"""A comparison on the terminal: verdict panel, side-by-side alignment, changes worth a look.

All article text goes through :class:`rich.text.Text`, never through markup, so an article that
contains ``[bold]`` prints it literally. Without colour the word differences are marked
``[-deleted-]`` and ``{+inserted+}`` (the ``wdiff`` convention) so nothing is lost in a pipe.
"""

from __future__ import annotations

from rich import box
from rich.columns import Columns
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from retold.documents import Change, ChangeKind, Comparison, LinkKind, Segmented, Verdict
from retold.report import layout
from retold.report.diff import cut_segments, side_segments, word_diff

VERDICT_STYLES: dict[Verdict, str] = {
    Verdict.IDENTICAL: "bold white on red",
    Verdict.NEAR_DUPLICATE: "bold red",
    Verdict.REWRITE: "bold magenta",
    Verdict.PARTIAL: "bold yellow",
    Verdict.RELATED: "bold cyan",
    Verdict.UNRELATED: "bold green",
}
KIND_STYLES: dict[str, str] = {
    str(LinkKind.IDENTICAL): "dim",
    str(LinkKind.EDITED): "yellow",
    str(LinkKind.REWORDED): "cyan",
    "moved": "magenta",
    "only": "red",
}
_BAR = 10


def render_terminal(
    c: Comparison,
    console: Console,
    *,
    width: int | None = None,
    show_alignment: bool = True,
) -> None:
    """Print a comparison: header panel, alignment table, then the changes worth a look.

    Args:
        c: The comparison.
        console: Where to print; its colour settings decide how differences are marked.
        width: Columns to fit in (default: the console's width).
        show_alignment: Print the sentence-by-sentence table.

    Example:
        >>> from rich.console import Console
        >>> from retold.documents import *
        >>> seg = Segmented(Document("a.txt", ""), ())
        >>> c = Comparison(seg, seg, Verdict.UNRELATED, 0.0, 0.0, Direction(None, 0.0, "no links"),
        ...                Alignment((), (), ()), ())
        >>> console = Console(width=60, color_system=None)
        >>> render_terminal(c, console, show_alignment=False)  # doctest: +NORMALIZE_WHITESPACE
        ╭──────────────────────────────────────────────────────────╮
        │ unrelated  a.txt vs a.txt                                │
        │ coverage   A ░░░░░░░░░░   0%   B ░░░░░░░░░░   0%         │
        │ direction  unknown  (confidence 0.00: no links)          │
        ╰──────────────────────────────────────────────────────────╯
        No changes worth a look.
    """
    plain = console.color_system is None
    console.print(header(c), width=width)
    if show_alignment and (c.alignment.links or c.a.sentences or c.b.sentences):
        console.print(alignment_table(c, plain=plain), width=width)
    console.print(changes_view(c), width=width)


def header(c: Comparison) -> Panel:
    """The verdict, coverage of each side, direction, scores and model in one panel."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    verdict = Text(str(c.verdict), style=VERDICT_STYLES.get(c.verdict, "bold"))
    if c.translated:
        verdict.append(f" (translated {c.language_a} → {c.language_b})")
    grid.add_row(verdict, Text.assemble(_name(c.a), " vs ", _name(c.b)))
    grid.add_row(
        "coverage",
        Text.assemble(
            "A ", _bar(c.coverage_a), f" {layout.percent(c.coverage_a):>4}   ",
            "B ", _bar(c.coverage_b), f" {layout.percent(c.coverage_b):>4}",
        ),
    )  # fmt: skip
    d = c.direction
    direction = Text(layout.direction_text(d), style="bold")
    direction.append(f"  (confidence {d.confidence:.2f}", style="dim")
    if d.reason:
        direction.append(": ", style="dim")
        direction.append(d.reason, style="dim")
    direction.append(")", style="dim")
    grid.add_row("direction", direction)
    if c.rewriting is not None and c.rewriting.summary:
        grid.add_row("how", Text(f"{c.rewriting.copy.upper()}: {c.rewriting.summary}"))
    if c.scores:
        # one cell per score so a name never wraps away from its value
        scores = Columns(
            [
                Text.assemble(f"{name} ", (layout.score_text(value), "bold"))
                for name, value in c.scores.items()
            ],
            padding=(0, 2),
        )
        grid.add_row("scores", scores)
    if c.model:
        grid.add_row("model", Text(c.model))
    return Panel(grid, box=box.ROUNDED, expand=True)


def alignment_table(c: Comparison, *, plain: bool = False) -> Table:
    """A | link | B, one row per link in A's order, one-side-only sentences in between.

    Args:
        c: The comparison.
        plain: Mark word differences with ``[-...-]`` / ``{+...+}`` instead of styles.
    """
    table = Table(
        box=box.SIMPLE_HEAD,
        show_lines=True,
        expand=True,
        padding=(0, 1),
        header_style="bold",
    )
    table.add_column(Text.assemble("A  ", _name(c.a)), ratio=1, overflow="fold")
    table.add_column(Text("link", justify="center"), width=9, justify="center", no_wrap=True)
    table.add_column(Text.assemble("B  ", _name(c.b)), ratio=1, overflow="fold")
    for row in layout.rows(c):
        if row.link is None:
            side = row.side or "a"
            index = (row.a or row.b)[0]
            seg = c.a if side == "a" else c.b
            cell = _sentences(seg, [index])
            label = Text(f"{side.upper()} only", style=KIND_STYLES["only"])
            label.append("\n" + layout.sentence_class(c, side, index), style="italic")
            table.add_row(*((cell, label, Text()) if side == "a" else (Text(), label, cell)))
            continue
        link = row.link
        a_cell, b_cell = _link_cells(c, row, diff=link.kind == LinkKind.EDITED, plain=plain)
        table.add_row(a_cell, _link_label(row), b_cell)
    return table


def changes_view(c: Comparison) -> RenderableType:
    """The list of changes worth a look, grouped by kind."""
    groups = layout.grouped_changes(c.changes)
    if not groups:
        return Text("No changes worth a look.", style="dim")
    parts: list[RenderableType] = [Text("Changes worth a look", style="bold underline")]
    for kind, items in groups:
        parts.append(Text(f"{layout.CHANGE_TITLES.get(kind, str(kind))} ({len(items)})", "bold"))
        if kind == ChangeKind.NUMBER_AGREES:
            values = dict.fromkeys(layout.agreed_value(ch) for ch in items)
            parts.append(Padding(Text("; ".join(values), style="green"), (0, 0, 0, 2)))
            continue
        for change in items:
            parts.append(Padding(_change_line(c, change), (0, 0, 0, 2)))
    return Group(*parts)


def _change_line(c: Comparison, change: Change) -> Text:
    a, b = layout.change_text(c, change)
    line = Text()
    if change.kind == ChangeKind.ONE_SIDE_ONLY:
        side = "A" if a is not None else "B"
        index = change.a_sentence if a is not None else change.b_sentence
        line.append(f"{side} only", style=KIND_STYLES["only"])
        if index is not None:
            line.append(f" #{index}", style="dim")
        if change.detail:
            line.append(f" [{change.detail}]", style="italic")
        line.append(" " + layout.shorten(a if a is not None else b or "", 100))
        return line
    if change.kind == ChangeKind.QUOTE_ALTERED:
        line.append("A: ", style="bold")
        line.append(layout.shorten(a or "", 100), style="red")
        line.append("\nB: ", style="bold")
        line.append(layout.shorten(b or "", 100), style="green")
    else:
        line.append(a if a is not None else "—", style="red")
        line.append(" → ")
        line.append(b if b is not None else "—", style="green")
    if change.detail:
        line.append(f"  ({change.detail})", style="dim")
    return line


def _link_cells(c: Comparison, row: layout.Row, *, diff: bool, plain: bool) -> tuple[Text, Text]:
    if not diff:
        return _sentences(c.a, row.a), _sentences(c.b, row.b)
    a_text, a_spans = layout.joined(c.a, row.a)
    b_text, b_spans = layout.joined(c.b, row.b)
    parts = word_diff(a_text, b_text)
    cells = []
    for side, spans in (("a", a_spans), ("b", b_spans)):
        cut = cut_segments(side_segments(parts, side), spans)  # type: ignore[arg-type]
        cell = Text()
        for k, pieces in enumerate(cut):
            if k:
                cell.append("\n")
            for text, changed in pieces:
                _append_piece(cell, text, changed, side, plain)
        cells.append(cell)
    return cells[0], cells[1]


def _append_piece(cell: Text, text: str, changed: bool, side: str, plain: bool) -> None:
    if not changed:
        cell.append(text)
    elif plain:
        cell.append(f"[-{text}-]" if side == "a" else f"{{+{text}+}}")
    else:
        cell.append(text, style="red strike" if side == "a" else "bold green")


def _sentences(seg: Segmented, indices: tuple[int, ...] | list[int]) -> Text:
    # sentences of a merged cell go on their own lines so a 1:2 link reads as two rows in one
    return Text("\n").join(Text(seg.sentences[i].text) for i in indices)


def _link_label(row: layout.Row) -> Text:
    link = row.link
    assert link is not None  # callers pass link rows only
    kind = str(link.kind)
    label = Text(kind, style=KIND_STYLES.get(kind, ""))
    label.append(f"\n{link.similarity:.2f}", style="dim")
    if len(link.a) != 1 or len(link.b) != 1:
        label.append(f"\n{len(link.a)}:{len(link.b)}", style="bold")
    if link.moved:
        label.append("\nmoved", style=KIND_STYLES["moved"])
    return label


def _name(seg: Segmented) -> Text:
    doc = seg.document
    name = Text(doc.id or "(no id)", style="bold")
    if doc.published:
        name.append(f" {doc.published}", style="dim")
    return name


def _bar(share: float) -> Text:
    filled = max(0, min(_BAR, round(share * _BAR)))
    if 0 < share < 1 and filled in (0, _BAR):
        filled = 1 if filled == 0 else _BAR - 1
    return Text.assemble(("█" * filled, "green"), ("░" * (_BAR - filled), "dim"))

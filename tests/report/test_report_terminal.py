"""Terminal report: content, literal article text, narrow terminals, colour and no colour."""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

from retold.documents import Alignment, Comparison, Direction, Document, Segmented, Verdict
from retold.report.terminal import render_terminal


def _plain(c: Comparison, width: int = 100, **kwargs: bool) -> str:
    console = Console(record=True, width=width, color_system=None, file=io.StringIO())
    render_terminal(c, console, **kwargs)
    return console.export_text()


def test_header_and_changes(comparison: Comparison) -> None:
    out = _plain(comparison)
    assert "rewrite" in out
    assert "harbour-a.txt" in out and "harbour-b.txt" in out
    assert "82%" in out and "87%" in out
    assert "a → b" in out and "A was published first" in out
    assert "similarity 0.86" in out
    assert "Changes worth a look" in out
    assert "Varga → Varg" in out
    assert "12 percent → 15 percent" in out
    assert "Numbers that agree (1)" in out and "4,300" in out
    assert "A: We cannot run old boats for ever." in out
    assert "B: We cannot keep old boats running." in out
    assert "A only #4 [caption] Passengers arriving at the quay (Photo: Dock Images)" in out
    assert "B only #5 [body] Ferry users were not consulted" in out


def test_every_sentence_of_both_texts_is_shown(comparison: Comparison) -> None:
    # wide enough that no cell wraps: each sentence sits on one line
    out = _plain(comparison, width=400)
    for seg in (comparison.a, comparison.b):
        for s in seg.sentences:
            if s.index in (1, 3, 5) or (seg is comparison.b and s.index in (0, 4, 6)):
                continue  # edited links carry diff markers, checked below
            assert s.text in out, s.text
    assert "The harbour board [-voted-] on Tuesday" in out
    assert "The {+city's+} harbour board {+agreed+} on Tuesday" in out


def test_markup_in_article_prints_literally(comparison: Comparison) -> None:
    out = _plain(comparison, width=400)
    assert "Tricky text: [bold]not bold[/] and <script>alert(1)</script>" in out
    coloured = io.StringIO()
    console = Console(file=coloured, width=400, force_terminal=True, color_system="truecolor")
    render_terminal(comparison, console)
    assert "[bold]not bold[/]" in coloured.getvalue()


def test_one_to_two_link_and_moved_link(comparison: Comparison) -> None:
    lines = _plain(comparison, width=400).splitlines()
    first = next(k for k, line in enumerate(lines) if "Board chair Ilse Varg" in line)
    assert "Chair Ilse Varga said the rise" in lines[first]
    # one row: B's two sentences stacked beside A's one, the shape under the similarity
    assert "Two boats will be bought." in lines[first + 1] and "0.74" in lines[first + 1]
    assert "1:2" in lines[first + 2]
    moved = next(k for k, line in enumerate(lines) if "The new fares start in March." in line)
    assert "identical" in lines[moved]
    assert "moved" in lines[moved + 2]
    # the moved sentence is B's second but is shown at A's position, last
    assert moved > first


def test_fits_80_columns(comparison: Comparison) -> None:
    out = _plain(comparison, width=80)
    assert all(cell_len(line) <= 80 for line in out.splitlines())
    assert "Changes worth a look" in out and "moved" in out


def test_colour_marks_words_without_plain_markers(comparison: Comparison) -> None:
    buf = io.StringIO()
    render_terminal(comparison, Console(file=buf, width=100, force_terminal=True))
    out = buf.getvalue()
    assert "\x1b[" in out
    assert "[-voted-]" not in out and "{+agreed+}" not in out


def test_no_color_keeps_strikethrough_but_no_colours(
    comparison: Comparison, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    buf = io.StringIO()
    render_terminal(comparison, Console(file=buf, width=100, force_terminal=True))
    out = buf.getvalue()
    assert "\x1b[9m" in out or ";9m" in out  # strikethrough survives
    assert "\x1b[31m" not in out and "\x1b[32m" not in out


def test_without_alignment_and_width(comparison: Comparison) -> None:
    out = _plain(comparison, show_alignment=False)
    assert "Board chair" not in out and "Varga → Varg" in out
    console = Console(record=True, width=200, color_system=None, file=io.StringIO())
    render_terminal(comparison, console, width=70)
    assert all(cell_len(line) <= 70 for line in console.export_text().splitlines())


def test_empty_comparison() -> None:
    seg = Segmented(Document("empty.txt", ""), ())
    c = Comparison(
        seg, seg, Verdict.UNRELATED, 0.0, 0.0, Direction(None, 0.0, ""), Alignment((), (), ()), ()
    )
    out = _plain(c)
    assert "unrelated" in out and "unknown" in out and "No changes worth a look." in out

"""Row order of the side-by-side view shared by the terminal and HTML reports."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from retold.documents import (
    Alignment,
    Comparison,
    Direction,
    Document,
    Link,
    Segmented,
    Sentence,
    Verdict,
)
from retold.report import layout


def _seg(n: int) -> Segmented:
    text = " ".join(f"S{i}." for i in range(n))
    sentences, pos = [], 0
    for i in range(n):
        s = f"S{i}."
        sentences.append(Sentence(i, pos, pos + len(s), s, 0))
        pos += len(s) + 1
    return Segmented(Document("x", text), tuple(sentences))


def _comparison(n: int, m: int, links: list[Link]) -> Comparison:
    used_a = {i for link in links for i in link.a}
    used_b = {j for link in links for j in link.b}
    al = Alignment(
        tuple(sorted(links, key=lambda link: link.a[0])),
        tuple(i for i in range(n) if i not in used_a),
        tuple(j for j in range(m) if j not in used_b),
    )
    return Comparison(_seg(n), _seg(m), Verdict.PARTIAL, 0.5, 0.5, Direction(None, 0.0, ""), al, ())


@st.composite
def comparisons(draw: st.DrawFn) -> Comparison:
    n = draw(st.integers(0, 12))
    m = draw(st.integers(0, 12))
    k = draw(st.integers(0, min(n, m)))
    a_idx = sorted(draw(st.permutations(range(n)))[:k])
    b_idx = sorted(draw(st.permutations(range(m)))[:k])
    links = [Link((i,), (j,), 0.9) for i, j in zip(a_idx, b_idx, strict=True)]
    if n > k and m > k and draw(st.booleans()):
        # one moved link between leftovers, as the aligner adds them after the monotone pass
        free_a = [i for i in range(n) if i not in a_idx]
        free_b = [j for j in range(m) if j not in b_idx]
        links.append(Link((draw(st.sampled_from(free_a)),), (draw(st.sampled_from(free_b)),),
                          0.8, moved=True))  # fmt: skip
    return _comparison(n, m, links)


@settings(max_examples=300, deadline=None)
@given(comparisons())
def test_rows_show_every_sentence_once_in_reading_order(c: Comparison) -> None:
    rows = layout.rows(c)
    shown_a = [i for row in rows for i in row.a]
    shown_b = [j for row in rows for j in row.b]
    assert sorted(shown_a) == list(range(len(c.a.sentences)))
    assert sorted(shown_b) == list(range(len(c.b.sentences)))
    # A is read top to bottom
    assert shown_a == sorted(shown_a)
    # so is B, apart from moved links
    in_place_b = [j for row in rows if not (row.link and row.link.moved) for j in row.b]
    assert in_place_b == sorted(in_place_b)


def test_b_only_goes_after_its_predecessor_not_after_a_moved_link() -> None:
    links = [
        Link((0,), (0,), 0.9),
        Link((1,), (3,), 0.9, moved=True),
        Link((2,), (1,), 0.9),
    ]
    rows = layout.rows(_comparison(3, 4, links))
    assert [(r.a, r.b) for r in rows] == [((0,), (0,)), ((1,), (3,)), ((2,), (1,)), ((), (2,))]


def test_b_only_before_everything_goes_before_first_later_b() -> None:
    rows = layout.rows(_comparison(2, 2, [Link((1,), (1,), 0.9)]))
    assert [(r.a, r.b) for r in rows] == [((0,), ()), ((), (0,)), ((1,), (1,))]


def test_percent_and_direction() -> None:
    assert layout.percent(0.999) == "99%"
    assert layout.percent(0.0) == "0%"
    assert layout.direction_text(Direction("b", 0.5, "")) == "b → a"
    assert layout.direction_text(Direction(None, 0.0, "")) == "unknown"

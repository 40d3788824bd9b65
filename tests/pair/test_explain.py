from retold.documents import Alignment, Document, Link, LinkKind
from retold.pair.explain import describe
from retold.segment import segment

A = "First fact. Second fact. Third fact. Fourth fact. Fifth fact. Sixth fact."


def _seg(text: str):  # type: ignore[no-untyped-def]
    return segment(Document("x", text))


def test_moved_passages_are_counted_once_per_run() -> None:
    a = _seg(A)
    b = _seg("Fifth fact. Sixth fact. First fact. Second fact. Third fact. Fourth fact.")
    links = tuple(Link((i,), ((i + 2) % 6,), 1.0, LinkKind.IDENTICAL) for i in range(6))
    r = describe(a, b, Alignment(links, (), ()), "a")
    assert (r.reordered, r.reordered_passages) == (2, 1)
    assert r.reworded_share == 0.0 and "lightly edited" in r.summary


def test_the_copy_is_the_side_the_direction_names() -> None:
    a = _seg("One fact and another. What a day it was, we think!")
    b = _seg(A)
    al = Alignment((Link((0,), (0, 1), 0.7),), (1,), (2, 3, 4, 5))
    r = describe(a, b, al, "b")
    assert r.copy == "a"
    assert (r.split, r.merged) == (0, 1)  # two source sentences became one
    assert r.added == 1 and r.dropped == 4
    assert any("first and second person" in s for s in r.style)

import pytest

from retold.documents import Alignment, Document, Link, LinkKind, Verdict
from retold.pair.verdict import VerdictConfig, coverage, decide, direction, passages
from retold.segment import segment

A = "One fact here. Two facts here. Three facts here. Four facts here."


def _seg(text: str, published: str | None = None):  # type: ignore[no-untyped-def]
    return segment(Document("x", text, published=published))


def test_coverage_ignores_captions() -> None:
    seg = _seg("Roads closed. Staff at Lorvik pier wave to boats (credit: NORTHWIRE/Ada Lund)")
    assert coverage(seg.sentences, {0}) == 1.0


def test_passages_are_runs_of_consecutive_links() -> None:
    al = Alignment((Link((0,), (3,), 0.9), Link((1,), (4,), 0.9), Link((3,), (5,), 0.9)), (2,), ())
    assert [[lk.a for lk in run] for run in passages(al)] == [[(0,), (1,)], [(3,)]]


def test_full_coverage_of_reworded_links_is_a_rewrite() -> None:
    a, b = _seg(A), _seg(A.replace("facts", "points"))
    al = Alignment(tuple(Link((i,), (i,), 0.7, LinkKind.REWORDED) for i in range(4)), (), ())
    verdict, cov_a, cov_b, _ = decide(a, b, al, doc_similarity=0.8)
    assert (verdict, cov_a, cov_b) == (Verdict.REWRITE, 1.0, 1.0)


def test_scattered_weak_links_are_related_not_reuse() -> None:
    a, b = _seg(A), _seg("Other fact. Something else. Four facts here. More.")
    al = Alignment((Link((3,), (2,), 0.45),), (0, 1, 2), (0, 1, 3))
    verdict, *_ = decide(a, b, al, doc_similarity=0.5)
    assert verdict == Verdict.RELATED
    verdict, *_ = decide(a, b, al, doc_similarity=0.1)
    assert verdict == Verdict.UNRELATED


def test_earlier_publication_wins_direction() -> None:
    a, b = _seg(A, "2024-05-02T10:00:00Z"), _seg(A, "2024-05-01")
    d = direction(a, b, Alignment((), (), ()), 1.0, 1.0)
    assert (d.source, d.reason) == ("b", "published earlier")


def test_the_covering_text_is_the_source() -> None:
    a, b = _seg(A), _seg("One fact here. Two facts here.")
    d = direction(a, b, Alignment((), (), ()), 0.5, 1.0)
    assert d.source == "a"


def test_config_validation() -> None:
    with pytest.raises(ValueError, match=r"rewrite_coverage must be in \[0.0, 1.0\], got 2"):
        VerdictConfig(rewrite_coverage=2)

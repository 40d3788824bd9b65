import pytest

from retold.documents import Alignment, Document, Link, LinkKind, Verdict
from retold.pair.verdict import (
    VerdictConfig,
    coverage,
    measure,
    model_verdict,
    passages,
    rule_verdict,
)
from retold.segment import segment

A = "One fact here. Two facts here. Three facts here. Four facts here."
CFG = VerdictConfig()


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
    m = measure(a, b, al, 0.8, CFG)
    assert (rule_verdict(m, CFG), m.coverage_a, m.coverage_b) == (Verdict.REWRITE, 1.0, 1.0)


def test_scattered_weak_links_are_related_not_reuse() -> None:
    a, b = _seg(A), _seg("Other fact. Something else. Four facts here. More.")
    al = Alignment((Link((3,), (2,), 0.45),), (0, 1, 2), (0, 1, 3))
    assert rule_verdict(measure(a, b, al, 0.5, CFG), CFG) == Verdict.RELATED
    assert rule_verdict(measure(a, b, al, 0.1, CFG), CFG) == Verdict.UNRELATED


def test_model_verdict_names_the_kind_of_copy() -> None:
    a = _seg(A)
    b = _seg("One fact here, and two. Four facts here.")
    al = Alignment((Link((0, 1), (0,), 0.2), Link((3,), (1,), 0.2)), (2,), ())
    m = measure(a, b, al, 0.6, CFG)
    condensed = {"length_ratio": 0.4, "coverage_short": 1.0, "close_count": 0.0}
    # the condensed copy is wholly accounted for: a rewrite although A is half covered
    assert model_verdict(m, 0.9, 0.5, CFG, condensed) == Verdict.REWRITE
    assert model_verdict(m, 0.9, 0.5, CFG, {**condensed, "coverage_short": 0.3}) == Verdict.PARTIAL
    assert model_verdict(m, 0.1, 0.5, CFG, condensed) == Verdict.RELATED
    m.scores["doc_similarity"] = 0.1
    assert model_verdict(m, 0.1, 0.5, CFG, condensed) == Verdict.UNRELATED


def test_two_texts_of_one_length_need_the_alignment_to_back_the_model() -> None:
    a = _seg(A)
    b = _seg("A fact. Two facts here, told again. Some more. Four facts here at last.")
    al = Alignment((Link((1,), (1,), 0.6), Link((3,), (3,), 0.6)), (0, 2), (0, 2))
    m = measure(a, b, al, 0.6, CFG)
    same_length = {"length_ratio": 0.9, "coverage_short": 0.5, "close_count": 0.0}
    assert model_verdict(m, 0.8, 0.5, CFG, same_length) == Verdict.RELATED
    # a closely matching sentence, or a translation, backs it
    close = {**same_length, "close_count": 0.7}
    assert model_verdict(m, 0.8, 0.5, CFG, close) == Verdict.PARTIAL
    assert model_verdict(m, 0.8, 0.5, CFG, same_length, translated=True) == Verdict.PARTIAL
    # without backing, a model that is sure enough stands on its own
    sure = CFG.unbacked_probability
    assert model_verdict(m, sure, 0.5, CFG, same_length) == Verdict.PARTIAL
    assert model_verdict(m, sure - 0.01, 0.5, CFG, same_length) == Verdict.RELATED


def test_identical_texts_need_no_model() -> None:
    a = _seg(A)
    al = Alignment(tuple(Link((i,), (i,), 1.0, LinkKind.IDENTICAL) for i in range(4)), (), ())
    assert model_verdict(measure(a, a, al, 1.0, CFG), 0.0, 0.5, CFG, {}) == Verdict.IDENTICAL


def test_config_validation() -> None:
    with pytest.raises(ValueError, match=r"rewrite_coverage must be in \[0.0, 1.0\], got 2"):
        VerdictConfig(rewrite_coverage=2)

"""Metrics against values computed by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.eval.metrics import (
    PRF,
    Span,
    binary_prf,
    confusion_matrix,
    link_pairs,
    plagdet,
    rankdata,
    set_prf,
    spearman,
)


def test_binary_prf_counts_and_scores() -> None:
    m = binary_prf([True, True, True, False, False], [True, True, False, True, False])
    assert (m.tp, m.fp, m.fn, m.tn) == (2, 1, 1, 1)
    assert m.precision == pytest.approx(2 / 3)
    assert m.recall == pytest.approx(2 / 3)
    assert m.f1 == pytest.approx(2 / 3)
    assert m.accuracy == pytest.approx(3 / 5)


def test_prf_is_zero_where_undefined() -> None:
    m = PRF(0, 0, 0)
    assert (m.precision, m.recall, m.f1, m.accuracy) == (0.0, 0.0, 0.0, 0.0)


def test_binary_prf_refuses_unequal_lengths() -> None:
    with pytest.raises(ValueError, match="2 gold values but 1 predictions"):
        binary_prf([True, False], [True])


def test_link_pairs_expand_merged_links() -> None:
    # a 2:1 link stands for two sentence pairs
    assert link_pairs([((0, 1), (0,)), ((2,), (1, 2))]) == {(0, 0), (1, 0), (2, 1), (2, 2)}


def test_alignment_scoring_of_a_split_link() -> None:
    gold = link_pairs([((0, 1), (0,)), ((2,), (1,))])
    predicted = link_pairs([((0,), (0,)), ((2,), (1,)), ((3,), (2,))])
    m = set_prf(gold, predicted)
    assert (m.tp, m.fp, m.fn) == (2, 1, 1)
    assert m.f1 == pytest.approx(2 / 3)


def test_confusion_matrix_rows_are_gold() -> None:
    labels = ["rewrite", "related", "unrelated"]
    gold = ["rewrite", "rewrite", "related", "unrelated"]
    pred = ["rewrite", "related", "related", "related"]
    assert confusion_matrix(gold, pred, labels) == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]


def test_rankdata_averages_ties() -> None:
    assert rankdata([3.0, 1.0, 3.0, 2.0, 3.0]) == [4.0, 1.0, 4.0, 2.0, 4.0]


def test_spearman_hand_computed() -> None:
    # ranks x = 1..5, ranks y = 2,1,4,3,5: d^2 sums to 4, rho = 1 - 6*4/(5*24) = 0.8
    assert spearman([1, 2, 3, 4, 5], [20, 10, 40, 30, 50]) == pytest.approx(0.8)


def test_spearman_of_a_constant_side_is_zero() -> None:
    assert spearman([1, 2, 3], [5, 5, 5]) == 0.0


values = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_spearman_bounded_and_symmetric(data: st.DataObject) -> None:
    x = data.draw(values)
    y = data.draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=len(x), max_size=len(x)))
    rho = spearman(x, y)
    assert -1.0 <= rho <= 1.0
    assert rho == pytest.approx(spearman(y, x), abs=1e-12)


def test_plagdet_exact_detection_scores_one() -> None:
    cases = [Span("p", 0, 100, 10, 90)]
    r = plagdet(cases, [Span("p", 0, 100, 10, 90)])
    assert (r.precision, r.recall, r.granularity, r.plagdet) == (1.0, 1.0, 1.0, 1.0)


def test_plagdet_hand_made_example() -> None:
    # case 1: src [0,100) susp [0,100) -> 200 chars; detected by two pieces
    #   d1 src [0,50) susp [0,40) and d2 src [60,100) susp [50,100) (both touch the case)
    # case 2: src [200,300) susp [500,600): missed.
    # d3 src [400,420) susp [800,820): false alarm.
    cases = [Span("p", 0, 100, 0, 100), Span("p", 200, 100, 500, 100)]
    dets = [Span("p", 0, 50, 0, 40), Span("p", 60, 40, 50, 50), Span("p", 400, 20, 800, 20)]
    r = plagdet(cases, dets)
    # recall: case 1 gets (50 + 40) src + (40 + 50) susp = 180 / 200 = 0.9; case 2 gets 0
    assert r.recall == pytest.approx(0.45)
    # precision: d1 and d2 lie inside case 1 (1.0 each), d3 covers nothing: 2/3
    assert r.precision == pytest.approx(2 / 3)
    # granularity: only case 1 is detected, by two detections
    assert r.granularity == 2.0
    f1 = 2 * 0.45 * (2 / 3) / (0.45 + 2 / 3)
    assert r.plagdet == pytest.approx(f1 / math.log2(3))


def test_plagdet_needs_overlap_on_both_sides_and_same_pair() -> None:
    cases = [Span("p", 0, 100, 0, 100)]
    # overlaps the source side only, and one overlaps fully but in another pair
    r = plagdet(cases, [Span("p", 0, 100, 500, 100), Span("q", 0, 100, 0, 100)])
    assert r.recall == 0.0 and r.precision == 0.0 and r.granularity == 1.0


def test_plagdet_with_no_cases_and_no_detections() -> None:
    r = plagdet([], [])
    assert (r.precision, r.recall) == (1.0, 1.0)

"""Running compare over gold pairs and scoring the results."""

from __future__ import annotations

from typing import Any

import pytest

from retold.documents import Verdict
from retold.eval.pairs import GoldPair, Passage
from retold.eval.runner import run_pairs, segmented_from_sentences
from retold.eval.threshold import threshold_report

SOURCE = [
    "The harbour authority closed the northern pier on Friday after a storm damaged its deck.",
    "Engineers said repairs would take at least three weeks and cost about 40,000 euros.",
    "Fishing boats were moved to the southern basin until the work is finished.",
]
COPY = [
    "The harbour authority closed the northern pier on Friday after storm damage to its deck.",
    "Engineers said the repairs would take at least three weeks and cost about 40,000 euros.",
    "Fishing boats were moved to the southern basin until the work is done.",
]
OTHER = [
    "A local choir won first prize at the regional music festival last night.",
    "The judges praised its arrangement of an old folk song.",
]


def _pairs() -> list[GoldPair]:
    return [
        GoldPair(
            "copy",
            " ".join(SOURCE),
            " ".join(COPY),
            label=Verdict.NEAR_DUPLICATE,
            a_sentences=tuple(SOURCE),
            b_sentences=tuple(COPY),
            alignment=(((0,), (0,)), ((1,), (1,)), ((2,), (2,))),
        ),
        GoldPair("other", " ".join(SOURCE), " ".join(OTHER), label=Verdict.UNRELATED),
        GoldPair("s1", SOURCE[1], COPY[1], score=4.5, meta={"genre": "news"}),
        GoldPair("s2", SOURCE[0], OTHER[0], score=0.5, meta={"genre": "news"}),
        GoldPair("s3", SOURCE[2], COPY[2], score=3.5, meta={"genre": "news"}),
    ]


def test_segmented_from_sentences_falls_back_to_joining() -> None:
    seg = segmented_from_sentences("x", "unrelated text", ["First.", "Second."])
    assert seg.text == "First. Second."
    assert [s.text for s in seg.sentences] == ["First.", "Second."]


def test_run_pairs_scores_every_section(comparer: Any) -> None:
    done: list[int] = []
    report = run_pairs(_pairs(), comparer=comparer, chunk=2, progress=done.append)
    assert done == [2, 2, 1]
    assert report.pairs == 5 and report.errors == 0
    assert report.reuse is not None and report.reuse.f1 == 1.0
    assert report.alignment is not None
    assert (report.alignment.tp, report.alignment.fp, report.alignment.fn) == (3, 0, 0)
    assert report.confusion is not None
    assert report.spearman == pytest.approx(1.0)
    assert report.spearman_by_genre["news"][0] == 3
    d = report.to_dict()
    assert d["reuse"]["f1"] == 1.0 and d["confusion"]["labels"][0] == "identical"


def test_passages_give_plagdet(comparer: Any) -> None:
    a = " ".join(SOURCE)
    b = "An opening line about the weather today. " + " ".join(COPY)
    start = b.index("The harbour")
    pair = GoldPair("pan", a, b, reuse=True, passages=(Passage(0, len(a), start, len(b) - start),))
    report = run_pairs([pair], comparer=comparer)
    assert report.plagdet is not None
    assert report.plagdet.detections == 1
    assert report.plagdet.granularity == 1.0
    assert report.plagdet.recall > 0.9


def test_threshold_report_over_run(comparer: Any) -> None:
    report = run_pairs(_pairs()[:2], comparer=comparer)
    thresholds = threshold_report(report.results, "coverage")
    assert thresholds is not None
    assert thresholds.best.f1 == 1.0
    assert len(thresholds.grid) == 21
    assert threshold_report(report.results[:0]) is None

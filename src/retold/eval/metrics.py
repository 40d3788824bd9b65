"""Quality measures: confusion matrix, precision/recall/F1, alignment links, Spearman, PlagDet.

Pure functions over plain values, so every figure can be checked by hand.

Alignment links are scored as sets of sentence pairs: a link joining k sentences of A with l
sentences of B stands for the k*l pairs (i, j) it implies. Gold and predicted pair sets are
compared exactly, so a 2:1 link predicted as a 1:1 link earns one of the two gold pairs.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PRF:
    """Counts and the precision, recall and F1 they give (0 where undefined)."""

    tp: int
    fp: int
    fn: int
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "accuracy": round(self.accuracy, 4),
        }


def binary_prf(gold: Sequence[bool], predicted: Sequence[bool]) -> PRF:
    """Counts of a binary decision.

    Example:
        >>> m = binary_prf([True, True, False, False], [True, False, True, False])
        >>> (m.tp, m.fp, m.fn, m.tn), m.f1
        ((1, 1, 1, 1), 0.5)
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold values but {len(predicted)} predictions")
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    return PRF(tp, fp, fn, len(gold) - tp - fp - fn)


def set_prf(gold: Iterable[Hashable], predicted: Iterable[Hashable]) -> PRF:
    """Counts of predicted items found in the gold set (no true negatives)."""
    g, p = set(gold), set(predicted)
    return PRF(len(g & p), len(p - g), len(g - p))


def link_pairs(links: Iterable[tuple[Sequence[int], Sequence[int]]]) -> set[tuple[int, int]]:
    """The sentence pairs implied by links: each k:l link gives k*l pairs.

    Example:
        >>> sorted(link_pairs([((0,), (0, 1)), ((2,), (3,))]))
        [(0, 0), (0, 1), (2, 3)]
    """
    return {(i, j) for a, b in links for i in a for j in b}


def confusion_matrix(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    """``matrix[g][p]``: how many items of gold class ``labels[g]`` were predicted ``labels[p]``.

    Example:
        >>> confusion_matrix(["x", "x", "y"], ["x", "y", "y"], ["x", "y"])
        [[1, 1], [0, 1]]
    """
    index = {label: k for k, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def rankdata(values: Sequence[float]) -> list[float]:
    """Ranks starting at 1, ties given the mean of the ranks they span.

    Example:
        >>> rankdata([10, 20, 10, 30])
        [1.5, 3.0, 1.5, 4.0]
    """
    order = sorted(range(len(values)), key=lambda k: values[k])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        mean_rank = (start + end) / 2 + 1
        for k in range(start, end + 1):
            ranks[order[k]] = mean_rank
        start = end + 1
    return ranks


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson correlation; 0.0 when either side is constant."""
    if len(x) != len(y):
        raise ValueError(f"{len(x)} values against {len(y)}")
    n = len(x)
    if n < 2:
        return 0.0
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx <= 0 or syy <= 0:
        return 0.0
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman rank correlation (Pearson over tie-averaged ranks), in [-1, 1].

    Example:
        >>> spearman([1, 2, 3, 4], [10, 20, 30, 40]), spearman([1, 2, 3], [3, 2, 1])
        (1.0, -1.0)
    """
    return pearson(rankdata(x), rankdata(y))


# --- PlagDet (PAN text alignment) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """A reused passage between one source and one suspicious document, in characters.

    ``pair`` names the document pair, so spans of different pairs never overlap.
    """

    pair: str
    src_offset: int
    src_length: int
    susp_offset: int
    susp_length: int

    def chars(self) -> tuple[frozenset[int], frozenset[int]]:
        return (
            frozenset(range(self.src_offset, self.src_offset + self.src_length)),
            frozenset(range(self.susp_offset, self.susp_offset + self.susp_length)),
        )


@dataclass(frozen=True, slots=True)
class PlagDet:
    """PAN text-alignment scores: macro precision, recall, granularity and PlagDet."""

    precision: float
    recall: float
    granularity: float
    cases: int
    detections: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def plagdet(self) -> float:
        return self.f1 / math.log2(1 + self.granularity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "granularity": round(self.granularity, 4),
            "plagdet": round(self.plagdet, 4),
            "cases": self.cases,
            "detections": self.detections,
        }


def _detects(case: Span, det: Span) -> bool:
    """A detection detects a case when they share characters on both sides."""
    if case.pair != det.pair:
        return False
    src = case.src_offset < det.src_offset + det.src_length and det.src_offset < (
        case.src_offset + case.src_length
    )
    susp = case.susp_offset < det.susp_offset + det.susp_length and det.susp_offset < (
        case.susp_offset + case.susp_length
    )
    return src and susp


def _macro_recall(cases: Sequence[Span], detections: Sequence[Span]) -> float:
    """Mean over cases of the share of their characters covered by detections that detect them."""
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    total = 0.0
    for case in cases:
        c_src, c_susp = case.chars()
        got_src: set[int] = set()
        got_susp: set[int] = set()
        for det in detections:
            if _detects(case, det):
                d_src, d_susp = det.chars()
                got_src |= c_src & d_src
                got_susp |= c_susp & d_susp
        size = len(c_src) + len(c_susp)
        total += (len(got_src) + len(got_susp)) / size if size else 0.0
    return total / len(cases)


def plagdet(cases: Sequence[Span], detections: Sequence[Span]) -> PlagDet:
    """PlagDet of detections against gold cases, as defined for the PAN text-alignment task.

    Precision and recall are macro-averaged over characters of both documents (precision is
    recall with the roles swapped); granularity is the mean number of detections per detected
    case (1 when none is detected); PlagDet = F1 / log2(1 + granularity). Potthast et al., "An
    Evaluation Framework for Plagiarism Detection", COLING 2010.

    Example:
        >>> case = [Span("p", 0, 100, 0, 100)]
        >>> halves = [Span("p", 0, 50, 0, 50), Span("p", 50, 50, 50, 50)]
        >>> r = plagdet(case, halves)
        >>> r.precision, r.recall, r.granularity, round(r.plagdet, 4)
        (1.0, 1.0, 2.0, 0.6309)
    """
    precision = _macro_recall(detections, cases)
    recall = _macro_recall(cases, detections)
    counts = [sum(_detects(c, d) for d in detections) for c in cases]
    detected = [n for n in counts if n > 0]
    granularity = sum(detected) / len(detected) if detected else 1.0
    return PlagDet(precision, recall, granularity, len(cases), len(detections))

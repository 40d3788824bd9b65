"""How reuse F1 moves with the decision threshold on one score.

retold decides reuse from several signals at once (see :mod:`retold.pair.verdict`); this
report cuts one score instead: ``similarity`` (mean link similarity, or the 1:1 sentence
similarity for sentence pairs) or ``coverage`` (the larger of the two sides' coverage). It shows
where the default verdicts sit against the best single cut. Choose thresholds on a training
split and report them on a test split; never both on one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from retold.eval.metrics import PRF, binary_prf
from retold.eval.runner import PairResult

SCORES = ("similarity", "coverage")


@dataclass(frozen=True)
class ThresholdReport:
    """F1 at a grid of thresholds, the best cut found, and the default verdicts' F1."""

    score: str
    grid: list[tuple[float, PRF]]
    best_threshold: float
    best: PRF
    best_accuracy_threshold: float
    best_accuracy: PRF
    default: PRF

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "grid": [{"threshold": t, **m.to_dict()} for t, m in self.grid],
            "best_f1": {"threshold": round(self.best_threshold, 4), **self.best.to_dict()},
            "best_accuracy": {
                "threshold": round(self.best_accuracy_threshold, 4),
                **self.best_accuracy.to_dict(),
            },
            "default_verdicts": self.default.to_dict(),
        }


def _value(result: PairResult, score: str) -> float:
    if score == "similarity":
        return result.similarity
    if score == "coverage":
        return result.coverage
    raise ValueError(f"score must be one of {', '.join(SCORES)}, got {score!r}")


def _best_cuts(gold: list[bool], values: list[float]) -> tuple[float, PRF, float, PRF]:
    """Thresholds with the best F1 and the best accuracy, one pass over the sorted scores."""
    order = sorted(range(len(values)), key=lambda k: -values[k])
    positives = sum(gold)
    n = len(gold)
    # threshold above every score: nothing predicted reuse
    top = (values[order[0]] + 1e-9) if order else 1.0
    best_t, best = top, PRF(0, 0, positives, n - positives)
    acc_t, acc = best_t, best
    tp = fp = 0
    for rank, k in enumerate(order):
        tp += gold[k]
        fp += not gold[k]
        nxt = values[order[rank + 1]] if rank + 1 < n else None
        if nxt is not None and nxt == values[k]:
            continue  # a cut cannot split equal scores
        t = (values[k] + nxt) / 2 if nxt is not None else values[k]
        m = PRF(tp, fp, positives - tp, n - positives - fp)
        if m.f1 > best.f1:
            best_t, best = t, m
        if m.accuracy > acc.accuracy:
            acc_t, acc = t, m
    return best_t, best, acc_t, acc


def threshold_report(
    results: Sequence[PairResult], score: str = "similarity", step: float = 0.05
) -> ThresholdReport | None:
    """Reuse P/R/F1 when predicting reuse as ``score >= threshold``; None without gold reuse.

    The best threshold is searched over every distinct score value (midpoints between them),
    not only the grid; ties go to the higher threshold.

    Example:
        >>> from retold.documents import Verdict
        >>> from retold.eval.pairs import GoldPair
        >>> rs = [PairResult(GoldPair(str(k), "x", "y", reuse=k > 1), Verdict.UNRELATED, k / 4, 0.0)
        ...       for k in range(4)]
        >>> r = threshold_report(rs)
        >>> r.best_threshold, r.best.f1, r.default.f1
        (0.375, 1.0, 0.0)
    """
    if not 0 < step <= 1:
        raise ValueError("step must be in (0, 1]")
    decided = [r for r in results if r.pair.gold_reuse is not None]
    if not decided:
        return None
    gold = [bool(r.pair.gold_reuse) for r in decided]
    values = [_value(r, score) for r in decided]
    n_steps = round(1 / step)
    grid = []
    for k in range(n_steps + 1):
        t = round(k * step, 6)
        grid.append((t, binary_prf(gold, [v >= t for v in values])))
    best_t, best, acc_t, acc = _best_cuts(gold, values)
    default = binary_prf(gold, [r.reuse for r in decided])
    return ThresholdReport(score, grid, best_t, best, acc_t, acc, default)

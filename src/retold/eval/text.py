"""Plain-text rendering of an evaluation report."""

from __future__ import annotations

from retold.eval.metrics import PRF
from retold.eval.runner import VERDICT_NAMES, EvalReport, error_reasons
from retold.eval.threshold import ThresholdReport

_SHORT = {
    "identical": "ident",
    "near-duplicate": "near",
    "rewrite": "rewr",
    "partial": "part",
    "related": "relat",
    "unrelated": "unrel",
}


def _prf(name: str, m: PRF, accuracy: bool = False) -> str:
    line = (
        f"{name}: precision {m.precision:.3f}  recall {m.recall:.3f}  F1 {m.f1:.3f}"
        f"  (tp {m.tp}, fp {m.fp}, fn {m.fn}"
    )
    if accuracy:
        line += f", tn {m.tn}; accuracy {m.accuracy:.3f}"
    return line + ")"


def render(report: EvalReport, thresholds: ThresholdReport | None, source: str = "") -> str:
    """The report as aligned text lines."""
    lines = [f"{source}: {report.pairs} pairs, model {report.model}"]
    if report.errors:
        lines.append(f"  {report.errors} pairs could not be compared (counted as unrelated):")
        for reason, n, example in error_reasons(report.results):
            lines.append(f"    {n} {reason} (e.g. pair {example})")
    if report.confusion is not None:
        lines.append("")
        lines.append("verdicts (rows gold, columns retold):")
        head = " " * 16 + "".join(f"{_SHORT[v]:>7}" for v in VERDICT_NAMES)
        lines.append(head)
        for name, row in zip(VERDICT_NAMES, report.confusion, strict=True):
            if sum(row):
                lines.append(f"  {name:<14}" + "".join(f"{n:>7}" for n in row))
    if report.reuse is not None:
        lines.append("")
        lines.append(_prf("reuse", report.reuse, accuracy=True))
    if report.alignment is not None:
        lines.append(_prf("alignment (sentence pairs)", report.alignment))
    if report.spearman is not None:
        lines.append("")
        lines.append(f"Spearman of sentence similarity vs gold score: {report.spearman:.4f}")
        for genre, (n, rho) in sorted(report.spearman_by_genre.items()):
            lines.append(f"  {genre:<16} {n:>6} pairs  {rho:.4f}")
    if report.plagdet is not None:
        pd = report.plagdet
        lines.append("")
        lines.append(
            f"PlagDet {pd.plagdet:.4f}: precision {pd.precision:.4f}  recall {pd.recall:.4f}"
            f"  granularity {pd.granularity:.4f}  ({pd.cases} cases, {pd.detections} detections)"
        )
    if thresholds is not None:
        lines.append("")
        lines.append(f"reuse when {thresholds.score} >= threshold:")
        lines.append("  threshold  precision  recall     F1  accuracy")
        for t, m in thresholds.grid:
            lines.append(
                f"  {t:9.2f}  {m.precision:9.3f}  {m.recall:6.3f}  {m.f1:5.3f}  {m.accuracy:8.3f}"
            )
        b, a, d = thresholds.best, thresholds.best_accuracy, thresholds.default
        lines.append(f"  best F1 {b.f1:.3f} at {thresholds.best_threshold:.4f}")
        lines.append(
            f"  best accuracy {a.accuracy:.3f} at {thresholds.best_accuracy_threshold:.4f}"
        )
        lines.append(f"  default verdicts: F1 {d.f1:.3f}, accuracy {d.accuracy:.3f}")
    seconds = report.seconds
    rate = report.pairs / seconds if seconds else 0.0
    lines.append("")
    lines.append(
        f"time: {seconds:.2f} s ({rate:.1f} pairs/s; embedding {report.embed_seconds:.2f} s,"
        f" comparing {report.compare_seconds:.2f} s)"
    )
    return "\n".join(lines)

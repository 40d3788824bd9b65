"""Which text is the source, from the texts alone.

A copy keeps part of its source and adds little that is specific: its numbers, names and quotes
come from the source, while the source holds specifics the copy left out; the copy is covered by
the source more than the other way round; the publisher's page carries captions and credit
lines a copy drops. Each feature is a difference *A minus B* of one measure taken on each side,
so swapping the sides negates every feature; the direction model has no intercept, so its
probability that A is the source becomes ``1 - p`` when the sides are swapped.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from retold.documents import Direction, Segmented, SentenceKind
from retold.pair.changes import numbers
from retold.pair.decision import DecisionModels
from retold.pair.verdict import PERIPHERAL

_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?\b")
_WORD = re.compile(r"\w+")
_QUOTE = re.compile(r'["“][^"”]{12,}["”]')

DIRECTION_FEATURES: tuple[str, ...] = (
    "coverage_gap",
    "log_length_ratio",
    "specifics_kept_gap",
    "specifics_count_gap",
    "peripheral_gap",
    "quotes_gap",
)


def _names(sentence: str) -> set[str]:
    """Capitalised words that are not the sentence's first; none from a title-case line."""
    found = list(_CAPITALISED.finditer(sentence))
    words = _WORD.findall(sentence)
    if words and len(found) >= 0.6 * len(words):
        return set()  # a headline in title case: every word is capitalised
    first = _WORD.search(sentence)
    start = first.start() if first else -1
    return {m.group().lower() for m in found if m.start() != start}


def _specifics(seg: Segmented) -> set[str]:
    """Numbers, dates and names of a side's body (headlines, captions and credits left out)."""
    found: set[str] = set()
    for s in seg.sentences:
        if s.kind in PERIPHERAL or s.kind == SentenceKind.HEADING:
            continue
        found.update(norm for _, norm in numbers(s.text))
        found |= _names(s.text)
    return found


def _body_chars(seg: Segmented) -> int:
    return sum(len(s.text) for s in seg.sentences if s.kind not in PERIPHERAL) or len(seg.text)


def direction_features(
    a: Segmented, b: Segmented, coverage_a: float, coverage_b: float
) -> dict[str, float]:
    """Differences A minus B of the measures that tell a source from its copy."""
    spec_a, spec_b = _specifics(a), _specifics(b)
    shared = len(spec_a & spec_b)
    kept_a = (shared + 0.5) / (len(spec_a) + 1.0)  # share of A's specifics that B also has
    kept_b = (shared + 0.5) / (len(spec_b) + 1.0)
    per_a = sum(1 for s in a.sentences if s.kind in PERIPHERAL)
    per_b = sum(1 for s in b.sentences if s.kind in PERIPHERAL)
    quotes_a = len(_QUOTE.findall(a.text))
    quotes_b = len(_QUOTE.findall(b.text))
    return {
        # the copy is the side the other covers: B's coverage minus A's, positive when A is source
        "coverage_gap": coverage_b - coverage_a,
        "log_length_ratio": math.log((_body_chars(a) + 1) / (_body_chars(b) + 1)),
        # the copy keeps few of the source's specifics; the source keeps most of the copy's
        "specifics_kept_gap": kept_b - kept_a,
        "specifics_count_gap": math.log((len(spec_a) + 1) / (len(spec_b) + 1)),
        "peripheral_gap": float(max(-3, min(3, per_a - per_b))),
        "quotes_gap": math.log((quotes_a + 1) / (quotes_b + 1)),
    }


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


_REASONS = {
    "coverage_gap": "covers the other text",
    "log_length_ratio": "is the longer text",
    "specifics_kept_gap": "holds the other's numbers and names",
    "specifics_count_gap": "has more numbers and names",
    "peripheral_gap": "carries the caption or credit lines",
    "quotes_gap": "carries more quotes",
}


def guess_direction(
    a: Segmented, b: Segmented, coverage_a: float, coverage_b: float, models: DecisionModels
) -> Direction:
    """The source side with a calibrated confidence; None below the model's answer level.

    Publication dates decide when both sides have different ones.
    """
    da, db = _parse_date(a.document.published), _parse_date(b.document.published)
    if da and db and da != db:
        return Direction("a" if da < db else "b", 0.9, "published earlier")
    feats = direction_features(a, b, coverage_a, coverage_b)
    p = models.direction.probability(feats)
    side = "a" if p >= 0.5 else "b"
    confidence = max(p, 1.0 - p)
    if confidence < models.direction_answer:
        return Direction(None, 0.0, "no clear evidence either way")
    sign = 1.0 if side == "a" else -1.0
    parts = models.direction.contributions(feats)
    top = [n for n, v in sorted(parts.items(), key=lambda kv: -sign * kv[1]) if sign * v > 0.3]
    reason = ", ".join(_REASONS[n] for n in top[:2]) or "the evidence together"
    return Direction(side, confidence, reason)

"""Features of an aligned pair: what the trained decision sees. Pure, no model.

A rewritten copy made by a language model merges, splits, condenses and reorders sentences, so
one monotone chain of links says too little about it. What separates such a copy from a story
written independently about the same event is the whole: how much of the shorter text's content
the other accounts for (any sentence, any order), in roughly the same order, with its specific
details (numbers, names, quotes) carried over. Every feature here is symmetric in the two sides:
they are measured on the *shorter* and the *longer* text, so swapping A and B changes nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retold.documents import Alignment, Segmented
from retold.pair.changes import numbers
from retold.pair.similarity import Matrix, SentenceFeatures, content_terms
from retold.pair.verdict import countable_chars

_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?\b")
_QUOTE = re.compile(r'["“]([^"”]{12,})["”]')

FEATURE_NAMES: tuple[str, ...] = (
    "coverage_short",
    "coverage_long",
    "link_similarity",
    "close_share",
    "passage_share",
    "doc_similarity",
    "jaccard_5gram",
    "jaccard_words",
    "length_ratio",
    "accounted_short",
    "accounted_long",
    "strong_short",
    "mutual_short",
    "order_agreement",
    "terms_short",
    "merged_terms_short",
    "specifics_short",
    "specifics_long",
    "quotes_short",
    "strong_count",
    "close_count",
    "top_match",
)


@dataclass(frozen=True)
class Side:
    """One side of a pair as the features see it.

    Attributes:
        weights: Characters of each sentence that count (peripheral lines count for nothing).
        terms: Content terms of each sentence.
        specifics: Numbers, dates and proper names of the side's body text.
        quotes: Quoted passages of 12+ characters, folded to their content terms.
    """

    weights: npt.NDArray[np.float64]
    terms: list[frozenset[str]]
    specifics: frozenset[str]
    quotes: list[frozenset[str]]

    @classmethod
    def of(cls, seg: Segmented, feats: SentenceFeatures) -> Side:
        weights = np.array(countable_chars(seg.sentences), dtype=np.float64)
        text = " ".join(s.text for s, w in zip(seg.sentences, weights, strict=True) if w > 0)
        specifics = {norm for _, norm in numbers(text)}
        specifics.update(m.group().lower() for m in _NAME.finditer(text))
        quotes = [frozenset(content_terms(m.group(1))) for m in _QUOTE.finditer(text)]
        return cls(weights, list(feats.terms), frozenset(specifics), [q for q in quotes if q])

    @property
    def chars(self) -> float:
        return float(self.weights.sum())


def _wmean(values: npt.NDArray[np.float64], weights: npt.NDArray[np.float64]) -> float:
    total = float(weights.sum())
    return float((values * weights).sum() / total) if total else 0.0


def _share(found: int, total: int) -> float:
    """Share with a weak prior towards one half, so that two specifics are not a certainty."""
    return (found + 0.5) / (total + 1.0)


def _order_agreement(pairs: Sequence[tuple[int, int]]) -> float:
    """Share of concordant pairs among matched sentence pairs (1 = same order, 0.5 = none)."""
    if len(pairs) < 3:
        return 0.5
    xs = np.array([p[0] for p in pairs], dtype=np.float64)
    ys = np.array([p[1] for p in pairs], dtype=np.float64)
    dx = np.sign(xs[:, None] - xs[None, :])
    dy = np.sign(ys[:, None] - ys[None, :])
    prod = dx * dy
    upper = np.triu_indices(len(pairs), 1)
    vals = prod[upper]
    vals = vals[vals != 0]
    return float((vals > 0).mean()) if len(vals) else 0.5


def _quotes_carried(short: Side, long_: Side) -> float:
    if not short.quotes:
        return 0.5
    pool = frozenset().union(*long_.terms) if long_.terms else frozenset()
    kept = sum(1 for q in short.quotes if len(q & pool) / len(q) >= 0.8)
    return _share(kept, len(short.quotes))


def pair_features(
    a: Segmented,
    b: Segmented,
    fa: SentenceFeatures,
    fb: SentenceFeatures,
    s11: Matrix,
    alignment: Alignment,
    scores: dict[str, float],
    coverage: tuple[float, float],
) -> dict[str, float]:
    """The decision's features for one aligned pair, by name (see ``FEATURE_NAMES``).

    Args:
        a: Side A.
        b: Side B.
        fa: Sentence features of A (terms, vectors).
        fb: Sentence features of B.
        s11: 1:1 sentence similarity matrix the aligner saw (``len(a) x len(b)``).
        alignment: The alignment.
        scores: Link statistics and document scores (``similarity``, ``close_share``,
            ``longest_passage``, ``doc_similarity``, ``jaccard_5gram``, ``jaccard_words``).
        coverage: Coverage of A and of B.
    """
    sa, sb = Side.of(a, fa), Side.of(b, fb)
    s = np.asarray(s11, dtype=np.float64)
    a_short = sa.chars <= sb.chars
    short, long_ = (sa, sb) if a_short else (sb, sa)
    m = s if a_short else s.T  # rows: short side, columns: long side
    cov_short, cov_long = coverage if a_short else (coverage[1], coverage[0])
    n_short = int((short.weights > 0).sum()) or 1

    if m.size:
        best_short = m.max(axis=1)
        best_long = m.max(axis=0)
        row_arg, col_arg = m.argmax(axis=1), m.argmax(axis=0)
        mutual = [
            (i, int(row_arg[i]))
            for i in range(m.shape[0])
            if col_arg[row_arg[i]] == i and m[i, row_arg[i]] >= 0.3 and short.weights[i] > 0
        ]
        nearest = np.argsort(-m, axis=1)[:, :3]
    else:
        best_short = np.zeros(len(short.weights))
        best_long = np.zeros(len(long_.weights))
        mutual = []
        nearest = np.zeros((len(short.weights), 0), dtype=int)
    mutual_mask = np.zeros(len(short.weights))
    for i, _ in mutual:
        mutual_mask[i] = 1.0

    merged = np.zeros(len(short.weights))
    for i, terms in enumerate(short.terms):
        if not terms:
            continue
        pool: set[str] = set()
        for j in nearest[i]:
            pool |= long_.terms[int(j)]
        merged[i] = len(terms & pool) / len(terms)

    # the best evidence of copying: how many sentences match closely, and how close the best
    # few are (two stories on one event share facts, but rarely a closely matching sentence)
    body_best = np.sort(best_short[short.weights > 0])[::-1] if len(best_short) else best_short
    top = float(body_best[:3].mean()) if len(body_best) else 0.0
    t_short = frozenset().union(*short.terms) if short.terms else frozenset()
    t_long = frozenset().union(*long_.terms) if long_.terms else frozenset()
    shared_spec = len(short.specifics & long_.specifics)

    return {
        "coverage_short": cov_short,
        "coverage_long": cov_long,
        "link_similarity": scores.get("similarity", 0.0),
        "close_share": scores.get("close_share", 0.0),
        "passage_share": min(1.0, scores.get("longest_passage", 0.0) / n_short),
        "doc_similarity": scores.get("doc_similarity", 0.0),
        "jaccard_5gram": scores.get("jaccard_5gram", 0.0),
        "jaccard_words": scores.get("jaccard_words", 0.0),
        "length_ratio": short.chars / long_.chars if long_.chars else 0.0,
        "accounted_short": _wmean(best_short, short.weights),
        "accounted_long": _wmean(best_long, long_.weights),
        "strong_short": _wmean((best_short >= 0.5).astype(np.float64), short.weights),
        "mutual_short": _wmean(mutual_mask, short.weights),
        "order_agreement": _order_agreement(mutual),
        "terms_short": len(t_short & t_long) / len(t_short) if t_short else 0.0,
        "merged_terms_short": _wmean(merged, short.weights),
        "specifics_short": _share(shared_spec, len(short.specifics)),
        "specifics_long": _share(shared_spec, len(long_.specifics)),
        "quotes_short": _quotes_carried(short, long_),
        "strong_count": math.log1p(float((body_best >= 0.65).sum())),
        "close_count": math.log1p(float((body_best >= 0.8).sum())),
        "top_match": top,
    }

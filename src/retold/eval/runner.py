"""Run ``compare`` over gold pairs and score the results.

Sentences are embedded in batches across many pairs (one model call per chunk rather than two
per pair), then each pair goes through :meth:`retold.pair.compare.Comparer.compare_segmented`.
Sentence-level pairs (both sides one sentence, as in MSRP and STS) are scored with
:func:`sentence_similarity`, the blended 1:1 similarity the aligner itself sees.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retold.documents import Comparison, Document, Segmented, Sentence, Verdict
from retold.errors import RetoldError
from retold.eval.metrics import (
    PRF,
    PlagDet,
    Span,
    binary_prf,
    confusion_matrix,
    link_pairs,
    plagdet,
    set_prf,
    spearman,
)
from retold.eval.pairs import GoldPair
from retold.models.base import Vectors
from retold.normalize import normalize_text
from retold.pair.similarity import SentenceFeatures, Weights, block_sims
from retold.segment import classify, paragraph_spans, segment

VERDICT_NAMES = [v.value for v in Verdict]
Progress = Callable[[int], None]


def segmented_from_sentences(doc_id: str, text: str, sentences: Sequence[str]) -> Segmented:
    """A Segmented document whose sentences are exactly ``sentences`` (gold indices stay valid).

    Offsets point into ``text`` when the sentences occur there in order; otherwise the text is
    rebuilt as the sentences joined by spaces.

    Example:
        >>> seg = segmented_from_sentences("x", "One. Two.", ["One.", "Two."])
        >>> [(s.start, s.end, s.text) for s in seg.sentences]
        [(0, 4, 'One.'), (5, 9, 'Two.')]
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for s in sentences:
        at = text.find(s, pos) if s else -1
        if at < 0:
            break
        spans.append((at, at + len(s)))
        pos = at + len(s)
    if len(spans) != len(sentences):
        text = " ".join(sentences)
        spans, pos = [], 0
        for s in sentences:
            spans.append((pos, pos + len(s)))
            pos += len(s) + 1
    paragraphs = paragraph_spans(text)

    def paragraph_of(start: int) -> int:
        for k, (ps, pe) in enumerate(paragraphs):
            if ps <= start < pe:
                return k
        return 0

    para = [paragraph_of(s) for s, _ in spans]
    out = tuple(
        Sentence(
            index=i,
            start=s,
            end=e,
            text=text[s:e],
            paragraph=para[i],
            kind=classify(text[s:e], alone_in_paragraph=para.count(para[i]) == 1),
        )
        for i, (s, e) in enumerate(spans)
    )
    return Segmented(Document(id=doc_id, text=text), out)


def segment_side(pair: GoldPair, side: str) -> Segmented:
    """Side ``"a"`` or ``"b"`` of a gold pair as ``run_pairs`` segments it (gold sentence lists
    are kept as they are)."""
    text: str = getattr(pair, side)
    given: tuple[str, ...] | None = getattr(pair, f"{side}_sentences")
    doc_id = f"{pair.id}:{side}"
    if given is not None:
        return segmented_from_sentences(
            doc_id, normalize_text(text), [normalize_text(s) for s in given]
        )
    # PAN offsets refer to the raw text, so only pairs without passages are normalised
    body = text if pair.passages is not None else normalize_text(text)
    return segment(Document(id=doc_id, text=body))


def sentence_similarity(
    a: str, b: str, vector_a: Vectors, vector_b: Vectors, weights: Weights
) -> float:
    """Blended similarity of two sentences (content-word Dice, characters, calibrated cosine).

    ``vector_a`` and ``vector_b`` are one-row arrays from the comparer's embedder.
    """
    fa = SentenceFeatures.build([a], vector_a)
    fb = SentenceFeatures.build([b], vector_b)
    return float(block_sims(fa, fb, weights, shapes=((1, 1),)).sims[(1, 1)][0, 0])


def pair_similarity(comparison: Comparison) -> float:
    """One similarity for a pair: the length-weighted mean similarity of its links (0 if none)."""
    if "similarity" in comparison.scores:
        return float(comparison.scores["similarity"])
    links = comparison.alignment.links
    return sum(link.similarity for link in links) / len(links) if links else 0.0


def detections(pair_id: str, comparison: Comparison, max_gap: int = 1) -> list[Span]:
    """Character spans of reuse found by retold: runs of in-order links merged into passages.

    Consecutive links join one passage when neither side skips more than ``max_gap`` sentences,
    so one reused paragraph is one detection (PAN granularity).
    """
    a, b = comparison.a.sentences, comparison.b.sentences
    runs: list[list[tuple[int, int, int, int]]] = []
    for link in sorted(comparison.alignment.links, key=lambda lk: (lk.b[0], lk.a[0])):
        block = (min(link.a), max(link.a), min(link.b), max(link.b))
        if runs and not link.moved:
            last = runs[-1][-1]
            if 0 <= block[0] - last[1] - 1 <= max_gap and 0 <= block[2] - last[3] - 1 <= max_gap:
                runs[-1].append(block)
                continue
        runs.append([block])
    out = []
    for run in runs:
        a0, a1 = a[run[0][0]].start, a[max(r[1] for r in run)].end
        b0, b1 = b[run[0][2]].start, b[max(r[3] for r in run)].end
        out.append(Span(pair_id, a0, a1 - a0, b0, b1 - b0))
    return out


@dataclass
class PairResult:
    """What retold said about one gold pair."""

    pair: GoldPair
    verdict: Verdict
    similarity: float
    coverage: float
    links: list[tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    detections: list[Span] = field(default_factory=list)
    error: str | None = None

    @property
    def reuse(self) -> bool:
        return self.verdict.is_reuse


@dataclass
class EvalReport:
    """Scores over a pairs file. Sections are None when the gold lacks what they need."""

    model: str
    pairs: int
    errors: int
    seconds: float
    embed_seconds: float
    compare_seconds: float
    confusion: list[list[int]] | None = None
    reuse: PRF | None = None
    alignment: PRF | None = None
    spearman: float | None = None
    spearman_by_genre: dict[str, tuple[int, float]] = field(default_factory=dict)
    plagdet: PlagDet | None = None
    results: list[PairResult] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": self.model,
            "pairs": self.pairs,
            "errors": self.errors,
            "errors_by_reason": [
                {"reason": reason, "pairs": n, "example": example}
                for reason, n, example in error_reasons(self.results)
            ],
            "seconds": round(self.seconds, 3),
            "embed_seconds": round(self.embed_seconds, 3),
            "compare_seconds": round(self.compare_seconds, 3),
            "pairs_per_second": round(self.pairs / self.seconds, 1) if self.seconds else None,
        }
        if self.confusion is not None:
            out["confusion"] = {"labels": VERDICT_NAMES, "matrix": self.confusion}
        if self.reuse is not None:
            out["reuse"] = self.reuse.to_dict()
        if self.alignment is not None:
            out["alignment"] = self.alignment.to_dict()
        if self.spearman is not None:
            out["spearman"] = round(self.spearman, 4)
            out["spearman_by_genre"] = {
                g: {"pairs": n, "spearman": round(r, 4)}
                for g, (n, r) in sorted(self.spearman_by_genre.items())
            }
        if self.plagdet is not None:
            out["plagdet"] = self.plagdet.to_dict()
        return out


def run_pairs(
    pairs: Sequence[GoldPair],
    model: str = "fast",
    *,
    chunk: int = 256,
    progress: Progress | None = None,
    comparer: Any = None,
) -> EvalReport:
    """Compare every pair and score the results against the gold.

    Args:
        pairs: Gold pairs.
        model: ``fast`` or ``accurate``.
        chunk: Pairs whose sentences are embedded in one model call.
        progress: Called with the number of pairs done after each chunk.
        comparer: A ready :class:`retold.pair.compare.Comparer` (overrides ``model``).
    """
    from retold.pair.compare import Comparer

    cmp = comparer or Comparer(model)
    weights = Weights(lexical=cmp.config.lexical_weight, floor=cmp.embedder.floor)
    start = time.perf_counter()
    embed_s = compare_s = 0.0
    results: list[PairResult] = []
    for lo in range(0, len(pairs), chunk):
        batch = pairs[lo : lo + chunk]
        segs = [(segment_side(p, "a"), segment_side(p, "b")) for p in batch]
        texts = [s.text for sa, sb in segs for seg in (sa, sb) for s in seg.sentences]
        t0 = time.perf_counter()
        vectors = cmp.embedder.encode(texts) if texts else np.zeros((0, cmp.embedder.dim))
        embed_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        pos = 0
        for pair, (sa, sb) in zip(batch, segs, strict=True):
            va = vectors[pos : pos + len(sa.sentences)]
            pos += len(sa.sentences)
            vb = vectors[pos : pos + len(sb.sentences)]
            pos += len(sb.sentences)
            results.append(_one(cmp, weights, pair, sa, sb, va, vb))
        compare_s += time.perf_counter() - t0
        if progress is not None:
            progress(len(batch))
    report = score(results, model=cmp.embedder.name)
    report.seconds = time.perf_counter() - start
    report.embed_seconds, report.compare_seconds = embed_s, compare_s
    return report


def _one(
    cmp: Any,
    weights: Weights,
    pair: GoldPair,
    sa: Segmented,
    sb: Segmented,
    va: Vectors,
    vb: Vectors,
) -> PairResult:
    try:
        c: Comparison = cmp.compare_segmented(sa, sb, va, vb)
    except RetoldError as exc:
        return PairResult(pair, Verdict.UNRELATED, 0.0, 0.0, error=_reason(exc, sa.id, sb.id))
    if len(sa.sentences) == len(sb.sentences) == 1:
        raw = sentence_similarity(sa.sentences[0].text, sb.sentences[0].text, va, vb, weights)
        similarity = max(raw, pair_similarity(c))
    else:
        similarity = pair_similarity(c)
    return PairResult(
        pair,
        c.verdict,
        similarity,
        max(c.coverage_a, c.coverage_b),
        links=[(link.a, link.b) for link in c.alignment.links],
        detections=detections(pair.id, c) if pair.passages is not None else [],
    )


def _reason(exc: RetoldError, id_a: str, id_b: str) -> str:
    """Why a pair could not be compared, with its sides named ``side a`` / ``side b`` so that
    equal reasons count together.

    Example:
        >>> from retold.errors import InputError
        >>> exc = InputError("p7:b has no sentences: there is no text to compare")
        >>> _reason(exc, "p7:a", "p7:b")
        'side b has no sentences: there is no text to compare'
    """
    text = str(exc)
    for doc_id, name in ((id_a, "side a"), (id_b, "side b")):
        if text.startswith(doc_id + " "):
            return name + text[len(doc_id) :]
    return text


def error_reasons(results: Sequence[PairResult]) -> list[tuple[str, int, str]]:
    """``(reason, pairs, first pair id)`` for the pairs that could not be compared, most
    frequent first."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for r in results:
        if r.error is not None:
            counts[r.error] += 1
            first.setdefault(r.error, r.pair.id)
    return [(reason, n, first[reason]) for reason, n in counts.most_common()]


def score(results: Sequence[PairResult], model: str = "") -> EvalReport:
    """Score pair results against their gold (no timing)."""
    report = EvalReport(
        model=model,
        pairs=len(results),
        errors=sum(r.error is not None for r in results),
        seconds=0.0,
        embed_seconds=0.0,
        compare_seconds=0.0,
        results=list(results),
    )
    labelled = [r for r in results if r.pair.label is not None]
    if labelled:
        report.confusion = confusion_matrix(
            [r.pair.label.value for r in labelled if r.pair.label is not None],
            [r.verdict.value for r in labelled],
            VERDICT_NAMES,
        )
    decided = [r for r in results if r.pair.gold_reuse is not None]
    if decided:
        report.reuse = binary_prf(
            [bool(r.pair.gold_reuse) for r in decided], [r.reuse for r in decided]
        )
    aligned = [r for r in results if r.pair.alignment is not None]
    if aligned:
        total = PRF(0, 0, 0)
        for r in aligned:
            total = total + set_prf(link_pairs(r.pair.alignment or ()), link_pairs(r.links))
        report.alignment = total
    graded = [r for r in results if r.pair.score is not None]
    if len(graded) >= 2:
        report.spearman = spearman(
            [r.pair.score or 0.0 for r in graded], [r.similarity for r in graded]
        )
        genres: dict[str, list[PairResult]] = {}
        for r in graded:
            if "genre" in r.pair.meta:
                genres.setdefault(str(r.pair.meta["genre"]), []).append(r)
        report.spearman_by_genre = {
            g: (len(rs), spearman([r.pair.score or 0.0 for r in rs], [r.similarity for r in rs]))
            for g, rs in genres.items()
            if len(rs) >= 2
        }
    with_passages = [r for r in results if r.pair.passages is not None]
    if with_passages:
        cases = [
            Span(r.pair.id, p.a_offset, p.a_length, p.b_offset, p.b_length)
            for r in with_passages
            for p in r.pair.passages or ()
        ]
        found = [d for r in with_passages for d in r.detections]
        report.plagdet = plagdet(cases, found)
    return report

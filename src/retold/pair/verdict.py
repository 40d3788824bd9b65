"""From an alignment to a verdict, coverage and a direction guess. Pure, no model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from retold.documents import (
    Alignment,
    Direction,
    Link,
    LinkKind,
    Segmented,
    Sentence,
    SentenceKind,
    Verdict,
)
from retold.normalize import fold

_PERIPHERAL = (SentenceKind.CAPTION, SentenceKind.CREDIT, SentenceKind.BOILERPLATE)


@dataclass(frozen=True)
class VerdictConfig:
    """Decision thresholds; names say which score each one cuts.

    Attributes:
        near_duplicate_coverage: Least coverage of both sides for near-duplicate.
        near_duplicate_close_share: Least share of linked text in identical/edited links.
        rewrite_coverage: Least coverage of both sides for rewrite.
        rewrite_similarity: Least mean link similarity for rewrite.
        passage_sentences: Least sentences (on the smaller side) of a run of consecutive links
            for it to count as a reused passage, the evidence for partial.
        passage_similarity: Least mean similarity of such a run: stories on the same event
            tell it in the same order, so a run of loosely similar sentences is not reuse.
        passage_close_links: A run with this many identical/edited links is a passage too.
        related_similarity: Least document similarity for related.
    """

    near_duplicate_coverage: float = 0.8
    near_duplicate_close_share: float = 0.8
    rewrite_coverage: float = 0.6
    rewrite_similarity: float = 0.3
    passage_sentences: int = 3
    passage_similarity: float = 0.6
    passage_close_links: int = 2
    related_similarity: float = 0.3

    def __post_init__(self) -> None:
        for name in (
            "near_duplicate_coverage",
            "near_duplicate_close_share",
            "rewrite_coverage",
            "rewrite_similarity",
            "related_similarity",
            "passage_similarity",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0.0, 1.0], got {value}")
        if self.passage_sentences < 1 or self.passage_close_links < 1:
            raise ValueError("passage_sentences and passage_close_links must be >= 1")


def _weights(sentences: Sequence[Sentence]) -> list[int]:
    """Characters that count for coverage: captions, credits and boilerplate count for nothing
    unless a side has nothing else."""
    core = [0 if s.kind in _PERIPHERAL else len(s.text) for s in sentences]
    return core if sum(core) else [len(s.text) for s in sentences]


def coverage(sentences: Sequence[Sentence], linked: set[int]) -> float:
    """Share of a side's countable characters inside links, in [0, 1]."""
    w = _weights(sentences)
    total = sum(w)
    return sum(w[i] for i in linked) / total if total else 0.0


def passages(alignment: Alignment) -> list[list[Link]]:
    """Runs of links that follow each other with no gap on either side (reused passages)."""
    runs: list[list[Link]] = []
    for link in sorted((lk for lk in alignment.links if not lk.moved), key=lambda lk: lk.a[0]):
        last = runs[-1][-1] if runs else None
        if last is not None and link.a[0] == last.a[-1] + 1 and link.b[0] == last.b[-1] + 1:
            runs[-1].append(link)
        else:
            runs.append([link])
    return runs


def link_stats(
    a: Sequence[Sentence], b: Sequence[Sentence], alignment: Alignment, cfg: VerdictConfig
) -> dict[str, float]:
    """Length-weighted link similarity, share of text in close links, longest passage."""
    total = close = sim_sum = 0.0
    for link in alignment.links:
        chars = sum(len(a[i].text) for i in link.a) + sum(len(b[j].text) for j in link.b)
        total += chars
        sim_sum += link.similarity * chars
        if link.kind in (LinkKind.IDENTICAL, LinkKind.EDITED):
            close += chars
    longest = 0
    is_passage = False
    for run in passages(alignment):
        size = min(sum(len(lk.a) for lk in run), sum(len(lk.b) for lk in run))
        longest = max(longest, size)
        n_close = sum(1 for lk in run if lk.kind != LinkKind.REWORDED)
        mean_sim = sum(lk.similarity for lk in run) / len(run)
        if (
            size >= cfg.passage_sentences and mean_sim >= cfg.passage_similarity
        ) or n_close >= cfg.passage_close_links:
            is_passage = True
    return {
        "similarity": sim_sum / total if total else 0.0,
        "close_share": close / total if total else 0.0,
        "longest_passage": float(longest),
        "passage": float(is_passage),
    }


def decide(
    a: Segmented,
    b: Segmented,
    alignment: Alignment,
    doc_similarity: float,
    config: VerdictConfig | None = None,
) -> tuple[Verdict, float, float, dict[str, float]]:
    """The verdict, coverage of A, coverage of B and the scores that decided."""
    cfg = config or VerdictConfig()
    linked_a = {i for link in alignment.links for i in link.a}
    linked_b = {j for link in alignment.links for j in link.b}
    cov_a, cov_b = coverage(a.sentences, linked_a), coverage(b.sentences, linked_b)
    stats = link_stats(a.sentences, b.sentences, alignment, cfg)
    is_passage = bool(stats.pop("passage"))
    stats["doc_similarity"] = doc_similarity
    low = min(cov_a, cov_b)
    if fold(a.text) == fold(b.text):
        verdict = Verdict.IDENTICAL
    elif (
        low >= cfg.near_duplicate_coverage
        and stats["close_share"] >= cfg.near_duplicate_close_share
    ):
        verdict = Verdict.NEAR_DUPLICATE
    elif low >= cfg.rewrite_coverage and stats["similarity"] >= cfg.rewrite_similarity:
        verdict = Verdict.REWRITE
    elif is_passage:
        verdict = Verdict.PARTIAL
    elif doc_similarity >= cfg.related_similarity:
        verdict = Verdict.RELATED
    else:
        verdict = Verdict.UNRELATED
    return verdict, cov_a, cov_b, stats


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def direction(
    a: Segmented, b: Segmented, alignment: Alignment, cov_a: float, cov_b: float
) -> Direction:
    """Guess which side is the source.

    Evidence in order of strength: publication dates; the side that covers the other (the copy
    keeps part of the source, the source has more); captions and credit lines that only the
    publisher's page carries.
    """
    da, db = _parse_date(a.document.published), _parse_date(b.document.published)
    if da and db and da != db:
        return Direction("a" if da < db else "b", 0.9, "published earlier")
    gap = cov_b - cov_a
    if abs(gap) >= 0.15:
        conf = min(0.85, 0.5 + abs(gap) / 2)
        side = "a" if gap > 0 else "b"
        return Direction(side, conf, "covers the other text")
    credit_a = sum(1 for i in alignment.a_only if a.sentences[i].kind in _PERIPHERAL)
    credit_b = sum(1 for j in alignment.b_only if b.sentences[j].kind in _PERIPHERAL)
    if credit_a != credit_b:
        side = "a" if credit_a > credit_b else "b"
        return Direction(side, 0.6, "carries the caption or credit lines")
    if abs(gap) >= 0.03:
        side = "a" if gap > 0 else "b"
        return Direction(side, 0.5 + min(0.1, abs(gap)), "covers slightly more")
    return Direction(None, 0.0, "no evidence either way")

"""From an alignment to coverage, link statistics and a verdict. Pure, no model."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from retold.documents import (
    Alignment,
    Link,
    LinkKind,
    Segmented,
    Sentence,
    SentenceKind,
    Verdict,
)
from retold.normalize import fold

# lines of the publisher's page, not of the story: they count for nothing in coverage
PERIPHERAL = (SentenceKind.CAPTION, SentenceKind.CREDIT, SentenceKind.BOILERPLATE)


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
        condensed_ratio: Below this length ratio (shorter over longer text) a pair is a
            condensed copy if the trained model says it is a copy at all.
        close_sentences: Closely matching sentences (similarity >= 0.8) that back the trained
            model's yes for two texts of about the same length.
        unbacked_probability: Least reuse probability for the trained model's yes to stand
            when nothing in the alignment backs it (no close sentence, little of both texts
            linked, about the same length).
    """

    near_duplicate_coverage: float = 0.8
    near_duplicate_close_share: float = 0.8
    rewrite_coverage: float = 0.6
    rewrite_similarity: float = 0.3
    passage_sentences: int = 3
    passage_similarity: float = 0.6
    passage_close_links: int = 2
    related_similarity: float = 0.3
    condensed_ratio: float = 0.6
    close_sentences: int = 1
    unbacked_probability: float = 0.9

    def __post_init__(self) -> None:
        for name in (
            "near_duplicate_coverage",
            "near_duplicate_close_share",
            "rewrite_coverage",
            "rewrite_similarity",
            "related_similarity",
            "passage_similarity",
            "condensed_ratio",
            "unbacked_probability",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0.0, 1.0], got {value}")
        if self.passage_sentences < 1 or self.passage_close_links < 1 or self.close_sentences < 1:
            raise ValueError("passage_sentences, passage_close_links, close_sentences must be >= 1")


def countable_chars(sentences: Sequence[Sentence]) -> list[int]:
    """Characters of each sentence that count: captions, credits and boilerplate count for
    nothing unless a side has nothing else."""
    core = [0 if s.kind in PERIPHERAL else len(s.text) for s in sentences]
    return core if sum(core) else [len(s.text) for s in sentences]


def coverage(sentences: Sequence[Sentence], linked: set[int]) -> float:
    """Share of a side's countable characters inside links, in [0, 1]."""
    w = countable_chars(sentences)
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


def _peripheral_lines(sentences: Sequence[Sentence]) -> set[int]:
    """Indices of lines that count for nothing (none when a side has nothing else)."""
    return {i for i, w in enumerate(countable_chars(sentences)) if w == 0}


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
    # lines of the page (captions, credits, lists of names) make no reused passage on their
    # own: two stories carry the same agency caption or team sheet without copying each other
    peripheral_a = _peripheral_lines(a)
    for run in passages(alignment):
        size = min(sum(len(lk.a) for lk in run), sum(len(lk.b) for lk in run))
        longest = max(longest, size)
        story = [lk for lk in run if not all(i in peripheral_a for i in lk.a)]
        if not story:
            continue
        n_close = sum(1 for lk in story if lk.kind != LinkKind.REWORDED)
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


@dataclass(frozen=True)
class Measures:
    """What an alignment says about a pair before any decision."""

    coverage_a: float
    coverage_b: float
    scores: dict[str, float]
    passage: bool
    identical: bool


def measure(
    a: Segmented, b: Segmented, alignment: Alignment, doc_similarity: float, cfg: VerdictConfig
) -> Measures:
    """Coverage of each side, link statistics and whether a reused passage is there."""
    linked_a = {i for link in alignment.links for i in link.a}
    linked_b = {j for link in alignment.links for j in link.b}
    stats = link_stats(a.sentences, b.sentences, alignment, cfg)
    passage = bool(stats.pop("passage"))
    stats["doc_similarity"] = doc_similarity
    return Measures(
        coverage(a.sentences, linked_a),
        coverage(b.sentences, linked_b),
        stats,
        passage,
        fold(a.text) == fold(b.text),
    )


def _near_duplicate(m: Measures, cfg: VerdictConfig) -> bool:
    low = min(m.coverage_a, m.coverage_b)
    return (
        low >= cfg.near_duplicate_coverage
        and m.scores["close_share"] >= cfg.near_duplicate_close_share
    )


def rule_verdict(m: Measures, cfg: VerdictConfig) -> Verdict:
    """The verdict from coverage and passage thresholds alone.

    Used where the trained decision has no features to go on: the lexical verifier (no
    embeddings) and pairs of single sentences.
    """
    low = min(m.coverage_a, m.coverage_b)
    if m.identical:
        return Verdict.IDENTICAL
    if _near_duplicate(m, cfg):
        return Verdict.NEAR_DUPLICATE
    if low >= cfg.rewrite_coverage and m.scores["similarity"] >= cfg.rewrite_similarity:
        return Verdict.REWRITE
    if m.passage:
        return Verdict.PARTIAL
    if m.scores["doc_similarity"] >= cfg.related_similarity:
        return Verdict.RELATED
    return Verdict.UNRELATED


def model_verdict(
    m: Measures,
    reuse_probability: float,
    threshold: float,
    cfg: VerdictConfig,
    features: dict[str, float],
    translated: bool = False,
) -> Verdict:
    """The verdict once the trained model has weighed the pair.

    The model's yes stands for a condensed copy (the shorter text is under
    ``condensed_ratio`` of the longer), a translation, or when the alignment backs it: most of
    both texts linked, or a closely matching sentence. Two stories of about the same length on
    one event can share the facts, their order and the names; what they do not share is most of
    their sentences, or a sentence written nearly the same. Without that backing the model must
    be surer (``unbacked_probability``): a restyled copy that keeps every fact in order still
    gets there, a story that shares some facts does not. Pairs the coverage and passage rules
    call a copy stay copies; a pair that links no line of either story is none.

    A copy is a near-duplicate when nearly all of both sides sits in identical or edited links; a
    rewrite when most of the shorter text is accounted for by the other (a condensed copy covers
    little of its source, so the longer side's coverage is not asked); otherwise partial. A pair
    that is no copy is related when the documents are similar.
    """
    if m.identical:
        return Verdict.IDENTICAL
    rule = rule_verdict(m, cfg)
    backed = (
        translated
        or features.get("length_ratio", 1.0) < cfg.condensed_ratio
        or min(m.coverage_a, m.coverage_b) >= cfg.rewrite_coverage
        or features.get("close_count", 0.0) >= math.log1p(cfg.close_sentences)
    )
    sure = reuse_probability >= max(threshold, cfg.unbacked_probability)
    # a pair that links no line of either story (only captions, credits, lists) is no copy
    shares_story = max(m.coverage_a, m.coverage_b) > 0
    if shares_story and reuse_probability >= threshold and (backed or sure or rule.is_reuse):
        if _near_duplicate(m, cfg):
            return Verdict.NEAR_DUPLICATE
        shorter = features.get("coverage_short", max(m.coverage_a, m.coverage_b))
        return Verdict.REWRITE if shorter >= cfg.rewrite_coverage else Verdict.PARTIAL
    if rule.is_reuse:
        return rule
    if m.scores["doc_similarity"] >= cfg.related_similarity:
        return Verdict.RELATED
    return Verdict.UNRELATED

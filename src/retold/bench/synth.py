"""Deterministic news-like text for benchmarks, with planted copies.

Documents are assembled from a small sentence grammar (who did what, where, when, with which
figure), or, when seed texts are given, from their sentences recombined. A share of the
documents are copies of an earlier one, lightly edited (words swapped, a sentence dropped or
added), so the candidate, alignment and cluster stages have real work to do.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from retold.documents import Document

_WHO = (
    "The city council",
    "The health ministry",
    "A regional court",
    "The central bank",
    "Local police",
    "The transport authority",
    "A group of residents",
    "The football club",
    "The university",
    "Union leaders",
    "The energy regulator",
    "Opposition lawmakers",
    "The port operator",
    "Fire crews",
    "The school board",
    "A coalition of farmers",
)
_DID = (
    "approved",
    "rejected",
    "announced",
    "delayed",
    "criticised",
    "defended",
    "investigated",
    "welcomed",
    "postponed",
    "cancelled",
    "expanded",
    "reviewed",
    "funded",
    "questioned",
)
_WHAT = (
    "a plan to rebuild the old bridge",
    "new rules for short-term rentals",
    "a budget for road repairs",
    "the closure of two rural clinics",
    "a proposal to raise parking fees",
    "the sale of the municipal stadium",
    "a pilot scheme for electric buses",
    "emergency funding for flood defences",
    "a review of water prices",
    "the merger of three hospitals",
    "longer opening hours",
    "a ban on fireworks near the harbour",
    "tax relief for small shops",
)
_WHERE = (
    "in the northern district",
    "near the river port",
    "across the region",
    "in the capital",
    "on the coast",
    "in three western towns",
    "at the main station",
    "in the old quarter",
    "along the motorway",
    "in the valley",
)
_WHEN = (
    "on Monday",
    "on Tuesday",
    "late on Wednesday",
    "on Thursday morning",
    "on Friday",
    "over the weekend",
    "last month",
    "earlier this week",
    "after a long debate",
)
_QUOTE = (
    "We have waited long enough",
    "This is a fair compromise",
    "The numbers do not add up",
    "People deserve better",
    "It is a first step",
    "We will appeal the decision",
)
_ROLE = ("a spokesperson", "the mayor", "an official", "a local resident", "the chairman")
_SWAPS = {
    "approved": "backed",
    "rejected": "turned down",
    "announced": "unveiled",
    "delayed": "pushed back",
    "criticised": "attacked",
    "plan": "scheme",
    "rules": "regulations",
    "budget": "spending plan",
    "closure": "shutting",
    "proposal": "plan",
    "said": "stated",
    "residents": "locals",
    "funding": "money",
    "review": "study",
    "new": "fresh",
}


def _sentence(rng: random.Random) -> str:
    kind = rng.random()
    who, did, what = rng.choice(_WHO), rng.choice(_DID), rng.choice(_WHAT)
    where, when = rng.choice(_WHERE), rng.choice(_WHEN)
    n = rng.randint(2, 950)
    if kind < 0.45:
        return f"{who} {did} {what} {where} {when}."
    if kind < 0.7:
        return (
            f"The measure would cost about {n} million euros and affect {n * 37:,} people {where}."
        )
    if kind < 0.85:
        return f'"{rng.choice(_QUOTE)}," {rng.choice(_ROLE)} said {when}.'
    return f"{who} said {n} complaints had been filed {where} since the start of the year."


def edit(text: str, rng: random.Random, rate: float = 0.3) -> str:
    """A light rewrite: swap some words for synonyms, drop or add a sentence."""
    sentences = re.split(r"(?<=[.!?\"])\s+", text)
    if len(sentences) > 3 and rng.random() < 0.5:
        sentences.pop(rng.randrange(len(sentences)))
    if rng.random() < 0.5:
        sentences.insert(rng.randrange(len(sentences) + 1), _sentence(rng))
    out = []
    for s in sentences:
        for word, repl in _SWAPS.items():
            if word in s and rng.random() < rate:
                s = s.replace(word, repl, 1)
        out.append(s)
    return " ".join(out)


@dataclass(frozen=True)
class SynthConfig:
    """Shape of a synthetic corpus.

    Attributes:
        seed: Random seed; the same seed gives the same corpus.
        min_sentences: Fewest sentences per document.
        max_sentences: Most sentences per document.
        copy_share: Share of documents that are edited copies of an earlier one.
    """

    seed: int = 13
    min_sentences: int = 8
    max_sentences: int = 24
    copy_share: float = 0.1

    def __post_init__(self) -> None:
        if not 1 <= self.min_sentences <= self.max_sentences:
            raise ValueError("need 1 <= min_sentences <= max_sentences")
        if not 0.0 <= self.copy_share < 1.0:
            raise ValueError("copy_share must be in [0.0, 1.0)")


def generate(
    n: int, config: SynthConfig | None = None, seed_sentences: Sequence[str] = ()
) -> Iterator[Document]:
    """Yield ``n`` documents ``syn000000``, ``syn000001``, ...; deterministic for a config.

    Example:
        >>> docs = list(generate(3))
        >>> [d.id for d in docs], docs[0].text == list(generate(1))[0].text
        (['syn000000', 'syn000001', 'syn000002'], True)
    """
    cfg = config or SynthConfig()
    rng = random.Random(cfg.seed)
    kept: list[str] = []
    for k in range(n):
        if kept and rng.random() < cfg.copy_share:
            text = edit(rng.choice(kept), rng)
        else:
            count = rng.randint(cfg.min_sentences, cfg.max_sentences)
            if seed_sentences:
                sents = [rng.choice(seed_sentences) for _ in range(count)]
            else:
                sents = [_sentence(rng) for _ in range(count)]
            # paragraphs of two or three sentences, as in news copy
            paras, i = [], 0
            while i < len(sents):
                step = rng.randint(2, 3)
                paras.append(" ".join(sents[i : i + step]))
                i += step
            text = "\n\n".join(paras)
            if len(kept) < 5000:
                kept.append(text)
            else:
                kept[rng.randrange(len(kept))] = text
        yield Document(id=f"syn{k:06d}", text=text, published=f"2025-01-{1 + k % 28:02d}")

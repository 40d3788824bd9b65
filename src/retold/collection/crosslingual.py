"""Cross-lingual candidates: translated copies inside a collection, found without a model.

The multilingual sentence models read some tens of sentences a second on two cores, so a
collection cannot be embedded with them. A translation keeps what no language changes: its
numbers and dates, and its names (transliterated when the script changes). So:

1. Each document's language is identified (an English or Chinese text without any model; see
   :mod:`retold.lang`). A collection in one language stops here and pays nothing else.
2. Each document in a language other than the collection's most common one gets
   language-agnostic fingerprints of its headline and lead: number readings, dates and name
   stems (:mod:`retold.pair.specifics`).
3. Such a document is paired with the ``k`` documents *in another language* that share the
   most fingerprints, weighted by rarity (a year or a country name is common; a sum of money,
   a date and a mayor's name together are not). The pair is a ``crosslingual`` candidate and
   verification decides, through the comparer's cross-lingual path.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from retold.collection.candidates import Candidates
from retold.documents import Document
from retold.lang import detect_language, same_group
from retold.pair.specifics import latin_key, names, numbers

SIGNAL = "crosslingual"


@dataclass(frozen=True)
class CrosslingualCandidateConfig:
    """Limits of the cross-lingual candidate signal.

    Attributes:
        k: Candidates kept per document in a minority language (its best other-language
            matches by fingerprint score).
        min_shared: Distinct fingerprints a pair must share.
        max_df: A fingerprint found in more documents than this share of the collection (and
            in more than 5) says nothing about which one is the source and is dropped.
        lead_chars: Characters of headline and text fingerprinted: a translation keeps the
            order of its source, and the lead carries the story's specifics.
        detect_chars: Characters read to identify a document's language.
    """

    k: int = 2
    min_shared: int = 2
    max_df: float = 0.02
    lead_chars: int = 2500
    detect_chars: int = 1500

    def __post_init__(self) -> None:
        if self.k < 1 or self.min_shared < 1:
            raise ValueError("k and min_shared must be >= 1")
        if not 0.0 < self.max_df <= 1.0:
            raise ValueError("max_df must be in (0.0, 1.0]")
        if self.lead_chars < 100 or self.detect_chars < 100:
            raise ValueError("lead_chars and detect_chars must be >= 100")


def _lead(doc: Document, chars: int) -> str:
    return ((doc.title + "\n") if doc.title else "") + doc.text[:chars]


def document_languages(docs: Sequence[Document], chars: int = 1500) -> list[str]:
    """The language group of each document (``bs`` counts as ``hr``; see :func:`same_group`)."""
    return [same_group(detect_language(_lead(d, chars))) for d in docs]


def _name_stem(word: str) -> str:
    # transliterations disagree on vowels and a few letters (Navalnyy / Navalny, Aleksey /
    # Alexei): fold those, and keep a stem so that case endings do not matter
    key = latin_key(word).replace("kh", "h").replace("ks", "x")
    key = key.translate(str.maketrans("yjw", "iiv"))
    return key[:5]


def fingerprints(text: str) -> set[str]:
    """Language-agnostic keys of a text: numbers (10 and above), dates and name stems.

    Example:
        >>> a = fingerprints("Губернатор Алексей Морозов заявил 14 марта о 240 жителях.")
        >>> b = fingerprints("Governor Alexei Morozov said on March 14 that 240 residents...")
        >>> sorted(a & b)
        ['d:3-14', 'n:240', 'p:alexe', 'p:moroz']
    """
    keys: set[str] = set()
    for _, readings in numbers(text):
        for r in readings:
            if "-" in r:
                keys.add("d:" + r)
            elif r.replace(".", "").isdigit() and float(r) >= 10:
                keys.add("n:" + r)
    for word in names(text).values():
        stem = _name_stem(word)
        if len(stem) >= 4:
            keys.add("p:" + stem)
    return keys


def crosslingual_candidates(
    docs: Sequence[Document],
    out: Candidates,
    config: CrosslingualCandidateConfig | None = None,
    languages: Sequence[str] | None = None,
) -> dict[str, int]:
    """Add ``crosslingual`` candidate pairs to ``out``; return the documents per language.

    Args:
        docs: The collection, in position order.
        out: Candidates to add to.
        config: Limits.
        languages: Each document's language group, when already known.
    """
    cfg = config or CrosslingualCandidateConfig()
    langs = list(languages) if languages is not None else document_languages(docs, cfg.detect_chars)
    per_language: dict[str, int] = defaultdict(int)
    for code in langs:
        per_language[code] += 1
    known = {code: n for code, n in per_language.items() if code != "und"}
    if len(known) < 2:
        return dict(per_language)
    major = max(known, key=lambda code: (known[code], code))
    keys = [
        fingerprints(_lead(d, cfg.lead_chars)) if langs[i] != "und" else set()
        for i, d in enumerate(docs)
    ]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for key in ks:
            postings[key].append(i)
    n = len(docs)
    limit = max(5, int(cfg.max_df * n))
    idf = {key: math.log(n / len(ps)) for key, ps in postings.items() if len(ps) <= limit}
    for i, ks in enumerate(keys):
        if langs[i] in (major, "und"):
            continue
        score: dict[int, float] = defaultdict(float)
        shared: dict[int, int] = defaultdict(int)
        for key in ks:
            weight = idf.get(key)
            if weight is None:
                continue
            for j in postings[key]:
                if langs[j] != langs[i] and langs[j] != "und":
                    score[j] += weight
                    shared[j] += 1
        ranked = sorted(
            (j for j in score if shared[j] >= cfg.min_shared), key=lambda j: (-score[j], j)
        )
        for j in ranked[: cfg.k]:
            out.add(i, j, SIGNAL, shared[j])
    return dict(per_language)

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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from retold.collection.candidates import Candidates
from retold.documents import Document
from retold.lang import UNDETERMINED, detect_language, same_group
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


def lead_keys(doc: Document, config: CrosslingualCandidateConfig | None = None) -> set[str]:
    """The :func:`fingerprints` of a document's headline and lead."""
    return fingerprints(_lead(doc, (config or CrosslingualCandidateConfig()).lead_chars))


_STEM_LETTERS = str.maketrans("yjw", "iiv")


@lru_cache(maxsize=1 << 16)  # a collection writes the same names again and again
def _name_stem(word: str) -> str:
    # transliterations disagree on vowels and a few letters (Navalnyy / Navalny, Aleksey /
    # Alexei): fold those, and keep a stem so that case endings do not matter
    key = latin_key(word).replace("kh", "h").replace("ks", "x")
    return key.translate(_STEM_LETTERS)[:5]


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
    per_language = dict(Counter(langs))
    if len([code for code in per_language if code != UNDETERMINED]) < 2:
        return per_language  # one language: nothing is fingerprinted
    keys = [lead_keys(d, cfg) if langs[i] != UNDETERMINED else set() for i, d in enumerate(docs)]
    for i, j, shared in pairs_by_keys(langs, keys, cfg):
        out.add(i, j, SIGNAL, shared)
    return per_language


def pairs_by_keys(
    languages: Sequence[str],
    keys: Sequence[set[str]],
    config: CrosslingualCandidateConfig | None = None,
) -> Iterator[tuple[int, int, int]]:
    """``(document, partner, shared fingerprints)`` for each document in a minority language.

    Args:
        languages: Each document's language group.
        keys: Each document's :func:`lead_keys` (empty where its language is undetermined).
        config: Limits.
    """
    cfg = config or CrosslingualCandidateConfig()
    known = Counter(code for code in languages if code != UNDETERMINED)
    if len(known) < 2:
        return
    major = max(known, key=lambda code: (known[code], code))
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for key in ks:
            postings[key].append(i)
    for i, ks in enumerate(keys):
        lang = languages[i]
        if lang in (major, UNDETERMINED):
            continue

        def other(j: int, lang: str = lang) -> bool:
            return languages[j] != lang and languages[j] != UNDETERMINED

        for j, shared in best_partners(ks, postings, len(keys), other, cfg):
            yield i, j, shared


def best_partners(
    keys: Iterable[str],
    postings: Mapping[str, Sequence[int]],
    n: int,
    eligible: Callable[[int], bool],
    config: CrosslingualCandidateConfig | None = None,
) -> list[tuple[int, int]]:
    """The ``k`` documents sharing the most of ``keys``, weighted by rarity (pure).

    Args:
        keys: Fingerprints of the document looking for partners.
        postings: The documents that have each fingerprint (all of them, in any language: the
            length of a list is the fingerprint's document frequency).
        n: Documents in the collection.
        eligible: Which documents may be partners (another language than the document's).
        config: Limits.

    Returns:
        ``(document, shared fingerprints)``, best first.

    Example:
        >>> postings = {"n:240": [0, 1], "d:3-14": [0, 1, 2], "p:moroz": [1]}
        >>> best_partners(["n:240", "d:3-14", "p:moroz"], postings, 100, lambda j: j != 0)
        [(1, 3)]
    """
    cfg = config or CrosslingualCandidateConfig()
    limit = max(5, int(cfg.max_df * n))
    score: dict[int, float] = defaultdict(float)
    shared: dict[int, int] = defaultdict(int)
    for key in keys:
        docs = postings.get(key)
        if not docs or len(docs) > limit:
            continue
        weight = math.log(n / len(docs))
        for j in docs:
            if eligible(j):
                score[j] += weight
                shared[j] += 1
    ranked = sorted((j for j in score if shared[j] >= cfg.min_shared), key=lambda j: (-score[j], j))
    return [(j, shared[j]) for j in ranked[: cfg.k]]

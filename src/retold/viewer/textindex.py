"""An in-memory word index over titles and texts, for the viewer's search box and source check.

Built once per process from the loaded documents; it holds one int32 posting list per distinct
word, so 10,000 articles of ~3,000 characters take a few tens of MB and about a second to build.
It suits collections that fit in memory (up to a few hundred thousand articles); it is not a
full-text engine: no stemming, no phrase queries, and ranking is a plain IDF sum.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"\w{2,}", re.UNICODE)
# a word in more than this share of documents (and more than _COMMON_MIN of them) says nothing
# about which one is the source; tiny collections keep every word
_COMMON = 0.5
_COMMON_MIN = 20
_TITLE_BONUS = 3.0


def words(text: str) -> list[str]:
    """Lower-cased words of two or more characters.

    Example:
        >>> words("The Mayor's plan: 1,200 homes")
        ['the', 'mayor', 'plan', '200', 'homes']
    """
    return _WORD.findall(text.casefold())


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: a position in the indexed sequence and its score."""

    position: int
    score: float


class TextIndex:
    """Word postings over ``(title, text)`` pairs, addressed by position.

    Example:
        >>> idx = TextIndex([("Storm hits coast", "A storm hit the coast."), (None, "Rain fell.")])
        >>> [h.position for h in idx.search("storm coast")]
        [0]
        >>> idx.search("")
        []
    """

    def __init__(self, items: Sequence[tuple[str | None, str]]) -> None:
        postings: dict[str, list[int]] = {}
        titles: dict[str, list[int]] = {}
        for position, (title, text) in enumerate(items):
            for word in set(words(text)) | set(words(title or "")):
                postings.setdefault(word, []).append(position)
            for word in set(words(title or "")):
                titles.setdefault(word, []).append(position)
        self.size = len(items)
        self._postings = {w: np.asarray(p, dtype=np.int32) for w, p in postings.items()}
        self._titles = {w: np.asarray(p, dtype=np.int32) for w, p in titles.items()}

    def idf(self, word: str) -> float:
        """Inverse document frequency (0.0 for an unknown word)."""
        posting = self._postings.get(word)
        if posting is None:
            return 0.0
        return math.log((self.size + 1) / (len(posting) + 0.5))

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Documents holding every word of ``query``; title matches rank first, then IDF sum."""
        terms = sorted(set(words(query)))
        if not terms or any(t not in self._postings for t in terms):
            return []
        found: npt.NDArray[np.int32] = self._postings[terms[0]]
        for term in terms[1:]:
            found = np.intersect1d(found, self._postings[term], assume_unique=True)
            if not len(found):
                return []
        scores = np.zeros(len(found), dtype=np.float64)
        for term in terms:
            weight = self.idf(term)
            scores += weight
            in_title = self._titles.get(term)
            if in_title is not None:
                scores += _TITLE_BONUS * weight * np.isin(found, in_title, assume_unique=True)
        order = np.lexsort((found, -scores))[:limit]
        return [Hit(int(found[k]), float(scores[k])) for k in order]

    def similar(self, text: str, limit: int = 10) -> list[Hit]:
        """Documents sharing the most IDF weight of ``text``'s distinct words.

        The score is the share of the text's word weight found in the document (a containment
        estimate in [0, 1]); very common words are left out. Rewrites keep most content words,
        so this ranks sources of a rewrite high even when no sentence is copied word for word.
        """
        terms = [t for t in set(words(text)) if t in self._postings]
        common = max(_COMMON * self.size, _COMMON_MIN)
        terms = [t for t in terms if len(self._postings[t]) <= common]
        if not terms or not self.size:
            return []
        weights = np.array([self.idf(t) for t in terms])
        total = float(weights.sum()) or 1.0
        scores = np.zeros(self.size, dtype=np.float64)
        for term, weight in zip(terms, weights, strict=True):
            scores[self._postings[term]] += weight
        top = np.argsort(-scores, kind="stable")[:limit]
        return [Hit(int(k), float(scores[k] / total)) for k in top if scores[k] > 0]


def snippet(text: str, query: str, width: int = 160) -> str:
    """A window of ``text`` around the first query word found, whitespace collapsed.

    Example:
        >>> snippet("One two three four five six seven", "five", width=20)
        '…four five six seven'
    """
    flat = " ".join(text.split())
    lowered = flat.casefold()
    at = -1
    for term in words(query):
        at = lowered.find(term)
        if at >= 0:
            break
    if at < 0 or len(flat) <= width:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, at - width // 3)
    end = min(len(flat), start + width)
    # cut on word boundaries so the snippet does not open or close mid-word
    if start > 0:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    if end < len(flat):
        space = flat.rfind(" ", at, end)
        end = space if space > at else end
    return ("…" if start > 0 else "") + flat[start:end] + ("…" if end < len(flat) else "")

"""Verification of candidate pairs: the full comparer, or a cheap lexical one.

``LexicalComparer`` has the same ``compare_segmented`` signature as
:class:`retold.pair.compare.Comparer` but needs no embedding model: sentences are matched by
character similarity of their folded text and aligned by the same dynamic programme, so it
finds identical, near-duplicate and partial (verbatim passage) reuse, never paraphrase. It is
the verifier of ``retold dedup --lexical-only``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from retold.documents import Comparison, Document, Segmented
from retold.models.base import Vectors
from retold.normalize import fold, words
from retold.pair.align import AlignConfig, align
from retold.pair.compare import conclude, refine
from retold.pair.similarity import SHAPES, BlockSims
from retold.pair.verdict import VerdictConfig


class PairComparer(Protocol):
    """Anything that compares two segmented documents (``Comparer`` or ``LexicalComparer``)."""

    def compare_segmented(
        self,
        a: Segmented,
        b: Segmented,
        vectors_a: Vectors | None = None,
        vectors_b: Vectors | None = None,
    ) -> Comparison: ...


@dataclass(frozen=True)
class LexicalConfig:
    """Thresholds of the lexical verifier.

    Attributes:
        min_ratio: Least character similarity (folded text, 0-1) for two sentences to link.
        edited_ratio: Least word-level similarity for an ``edited`` rather than ``reworded`` link.
    """

    min_ratio: float = 0.6
    edited_ratio: float = 0.9

    def __post_init__(self) -> None:
        for name in ("min_ratio", "edited_ratio"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0.0, 1.0]")


class LexicalComparer:
    """Compares documents by their wording alone (no model, no paraphrase detection).

    Example:
        >>> from retold.documents import Document
        >>> from retold.segment import segment
        >>> a = segment(Document("a", "The dam burst at dawn. Water filled the valley."))
        >>> b = segment(Document("b", "The dam burst at dawn. Water filled the valley."))
        >>> str(LexicalComparer().compare_segmented(a, b).verdict)
        'identical'
    """

    name = "lexical"

    def __init__(self, config: LexicalConfig | None = None) -> None:
        self.config = config or LexicalConfig()
        self._align = AlignConfig()
        self._verdict = VerdictConfig()

    def compare_segmented(
        self,
        a: Segmented,
        b: Segmented,
        vectors_a: Vectors | None = None,
        vectors_b: Vectors | None = None,
    ) -> Comparison:
        """Compare two segmented documents; any vectors passed are ignored."""
        fa = [fold(s.text) for s in a.sentences]
        fb = [fold(s.text) for s in b.sentences]
        if fa and fb:
            ratio = cdist(fa, fb, scorer=fuzz.ratio, dtype=np.float32) / 100.0
        else:
            ratio = np.zeros((len(fa), len(fb)), np.float32)
        s11 = np.where(ratio >= self.config.min_ratio, ratio, 0.0).astype(np.float32)
        sims = {
            shape: (
                s11
                if shape == (1, 1)
                else np.zeros(
                    (max(0, len(fa) - shape[0] + 1), max(0, len(fb) - shape[1] + 1)), np.float32
                )
            )
            for shape in SHAPES
        }
        raw = align(BlockSims(sims, s11, s11), self._align)
        alignment = refine(a, b, raw, self.config.edited_ratio)
        wa, wb = set(words(a.text)), set(words(b.text))
        doc_sim = len(wa & wb) / len(wa | wb) if wa or wb else 0.0
        return conclude(a, b, alignment, doc_sim, self._verdict, self.name)


@dataclass(frozen=True)
class Edge:
    """A verified candidate: positions of both documents and their comparison (a = ``i``)."""

    i: int
    j: int
    comparison: Comparison


def verify(
    pairs: Iterable[tuple[int, int]],
    segs: Sequence[Segmented],
    comparer: PairComparer,
    vectors_of: object = None,
) -> Iterator[Edge]:
    """The verification stage: compare each pair, yield every edge (reuse or not).

    Args:
        pairs: Document positions ``(i, j)``.
        segs: Segmented documents by position.
        comparer: The verifier.
        vectors_of: Optional callable ``position -> sentence vectors`` so that nothing is
            embedded twice.
    """
    seen = SameTexts()
    for i, j in pairs:
        a, b = segs[i], segs[j]
        if not a.sentences or not b.sentences:
            continue
        known = seen.get(a.document, b.document)
        if known is None:
            va = vectors_of(i) if callable(vectors_of) else None
            vb = vectors_of(j) if callable(vectors_of) else None
            known = seen.put(a, b, comparer.compare_segmented(a, b, va, vb))
        yield Edge(i, j, known)


class SameTexts:
    """Comparisons already made, by the texts (and dates) of their two sides.

    A story syndicated a thousand times is a thousand documents with one text: comparing
    another copy of it with the same document gives the same comparison, so it is made once
    and reused with the sides' own documents.

    Example:
        >>> from retold.documents import Document
        >>> from retold.segment import segment
        >>> x, y, z = (segment(Document(i, "The dam burst at dawn on Monday.")) for i in "xyz")
        >>> memo = SameTexts()
        >>> c = memo.put(x, y, LexicalComparer().compare_segmented(x, y))
        >>> memo.get(x.document, z.document).b.id
        'z'
        >>> memo.get(x.document, z.document).verdict == c.verdict
        True
    """

    def __init__(self) -> None:
        self._made: dict[tuple[bytes, bytes], Comparison] = {}
        self._claimed: set[tuple[bytes, bytes]] = set()

    def claim(self, a: Document, b: Document) -> bool:
        """True the first time two sides with these texts are met (they must be compared)."""
        key = self._key(a, b)
        if key in self._claimed:
            return False
        self._claimed.add(key)
        return True

    @staticmethod
    def _key(a: Document, b: Document) -> tuple[bytes, bytes]:
        def one(d: Document) -> bytes:
            h = hashlib.blake2b(d.text.encode("utf-8", "surrogatepass"), digest_size=16)
            h.update(b"\x00" + (d.published or "").encode())
            return h.digest()

        return one(a), one(b)

    def get(self, a: Document, b: Document) -> Comparison | None:
        """The comparison of two sides with these texts, as if made for ``a`` and ``b``."""
        made = self._made.get(self._key(a, b))
        if made is None:
            return None
        return replace(made, a=Segmented(a, made.a.sentences), b=Segmented(b, made.b.sentences))

    def put(self, a: Segmented, b: Segmented, comparison: Comparison) -> Comparison:
        """Remember ``comparison`` (of ``a`` with ``b``) and return it."""
        self._made[self._key(a.document, b.document)] = comparison
        return comparison

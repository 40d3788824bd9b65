"""The types every stage exchanges: documents, sentences, links, alignments and comparisons."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class Document:
    """One article.

    Attributes:
        id: Unique id inside a collection (for a folder, the relative path).
        text: The article body as plain text.
        title: Optional headline.
        url: Optional address the article was published at.
        published: Optional ISO 8601 date or datetime, used to tell the source from the copy.
        source: Optional publisher name.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "title": self.title,
            "url": self.url,
            "published": self.published,
            "source": self.source,
        }


class SentenceKind(StrEnum):
    """What a sentence is, beyond running text."""

    BODY = "body"
    HEADING = "heading"
    CAPTION = "caption"
    CREDIT = "credit"
    BOILERPLATE = "boilerplate"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A span of a document's text; ``text == document.text[start:end]``."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int
    kind: SentenceKind = SentenceKind.BODY

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "paragraph": self.paragraph,
            "kind": str(self.kind),
        }


@dataclass(frozen=True, slots=True)
class Segmented:
    """A document with its sentences."""

    document: Document
    sentences: tuple[Sentence, ...]

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def text(self) -> str:
        return self.document.text


class LinkKind(StrEnum):
    """How close a linked group of sentences is to its counterpart."""

    IDENTICAL = "identical"
    EDITED = "edited"
    REWORDED = "reworded"


@dataclass(frozen=True, slots=True)
class Link:
    """1..k sentences of A joined with 1..k sentences of B.

    Attributes:
        a: Indices of sentences of A, ascending (consecutive but in m:n groups).
        b: Indices of sentences of B, ascending (consecutive but in m:n groups).
        similarity: Blended similarity in [0, 1].
        kind: identical, edited or reworded.
        moved: True when the link breaks the reading order (a moved passage).
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    similarity: float
    kind: LinkKind = LinkKind.REWORDED
    moved: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": list(self.a),
            "b": list(self.b),
            "similarity": round(self.similarity, 4),
            "kind": str(self.kind),
            "moved": self.moved,
        }


@dataclass(frozen=True, slots=True)
class Alignment:
    """Links in the order of A, plus the sentences found on one side only."""

    links: tuple[Link, ...]
    a_only: tuple[int, ...]
    b_only: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "links": [link.to_dict() for link in self.links],
            "a_only": list(self.a_only),
            "b_only": list(self.b_only),
        }


class Verdict(StrEnum):
    """What one document is to another, from most to least reuse."""

    IDENTICAL = "identical"
    NEAR_DUPLICATE = "near-duplicate"
    REWRITE = "rewrite"
    PARTIAL = "partial"
    RELATED = "related"
    UNRELATED = "unrelated"

    @property
    def is_reuse(self) -> bool:
        """True for verdicts that mean text was copied (everything but related/unrelated)."""
        return self not in (Verdict.RELATED, Verdict.UNRELATED)


class ChangeKind(StrEnum):
    """Kinds of change worth a reader's eye."""

    NAME_VARIANT = "name-variant"
    NUMBER_DIFFERS = "number-differs"
    NUMBER_AGREES = "number-agrees"
    QUOTE_ALTERED = "quote-altered"
    ONE_SIDE_ONLY = "one-side-only"


@dataclass(frozen=True, slots=True)
class Change:
    """One change between linked sentences, or material present on one side only.

    Attributes:
        kind: What changed.
        a: The text on side A (None when absent there).
        b: The text on side B (None when absent there).
        a_sentence: Index of the sentence of A it was found in.
        b_sentence: Index of the sentence of B it was found in.
        detail: A short human-readable note, e.g. ``caption`` for a one-side-only caption.
    """

    kind: ChangeKind
    a: str | None
    b: str | None
    a_sentence: int | None = None
    b_sentence: int | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "a": self.a,
            "b": self.b,
            "a_sentence": self.a_sentence,
            "b_sentence": self.b_sentence,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Direction:
    """Which side is the source.

    Attributes:
        source: ``"a"``, ``"b"`` or None when there is no telling.
        confidence: In [0, 1].
        reason: Which evidence decided.
    """

    source: str | None
    confidence: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Rewriting:
    """How the copy of a pair rewrote its source.

    Attributes:
        copy: The side described as the copy (``"a"`` or ``"b"``).
        reworded_share: Share of linked text in reworded (not identical or edited) links.
        length_ratio: The copy's body length over the source's.
        merged: Source sentences saved by merging several into fewer.
        split: Copy sentences gained by splitting one into several.
        reordered: Links out of the source's reading order.
        reordered_passages: Runs of such links (moved passages).
        added: Copy sentences with no source (added commentary or material).
        dropped: Source sentences the copy left out.
        style: Measured style changes, in words.
        summary: All of it in one line.
    """

    copy: str
    reworded_share: float
    length_ratio: float
    merged: int
    split: int
    reordered: int
    reordered_passages: int
    added: int
    dropped: int
    style: tuple[str, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "copy": self.copy,
            "reworded_share": round(self.reworded_share, 4),
            "length_ratio": round(self.length_ratio, 4),
            "merged": self.merged,
            "split": self.split,
            "reordered": self.reordered,
            "reordered_passages": self.reordered_passages,
            "added": self.added,
            "dropped": self.dropped,
            "style": list(self.style),
            "summary": self.summary,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything retold finds about one pair of documents.

    ``language_a`` and ``language_b`` are the detected languages (ISO 639-1, ``und`` when too
    short to tell, empty when not detected); they differ for a translated copy.
    """

    a: Segmented
    b: Segmented
    verdict: Verdict
    coverage_a: float
    coverage_b: float
    direction: Direction
    alignment: Alignment
    changes: tuple[Change, ...]
    scores: dict[str, float] = field(default_factory=dict)
    model: str = ""
    language_a: str = ""
    language_b: str = ""
    features: dict[str, float] = field(default_factory=dict)
    rewriting: Rewriting | None = None

    @property
    def translated(self) -> bool:
        """True when the two sides are in different languages (a translated copy or story)."""
        from retold.lang import differ

        return differ(self.language_a or "und", self.language_b or "und")

    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        """A JSON-ready dict; ``include_text=False`` leaves out full texts but keeps sentences."""

        def side(seg: Segmented, language: str) -> dict[str, Any]:
            doc = seg.document.to_dict()
            if not include_text:
                doc.pop("text")
            doc["language"] = language or None
            doc["sentences"] = [s.to_dict() for s in seg.sentences]
            return doc

        return {
            "verdict": str(self.verdict),
            "reuse": self.verdict.is_reuse,
            "coverage": {"a": round(self.coverage_a, 4), "b": round(self.coverage_b, 4)},
            "direction": self.direction.to_dict(),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "model": self.model,
            "a": side(self.a, self.language_a),
            "b": side(self.b, self.language_b),
            "alignment": self.alignment.to_dict(),
            "changes": [c.to_dict() for c in self.changes],
            "rewriting": self.rewriting.to_dict() if self.rewriting else None,
            "features": {k: round(v, 4) for k, v in self.features.items()},
        }

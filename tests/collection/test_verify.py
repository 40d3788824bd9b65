"""Verification: every candidate pair compared once, copies of one text compared once."""

from __future__ import annotations

from retold.collection.verify import LexicalComparer, verify
from retold.documents import Comparison, Document, Segmented
from retold.models.base import Vectors
from retold.segment import segment

STORY = (
    "The ferry left the harbour at six with ninety passengers on board. "
    "A storm forced it back to port two hours later. "
    "Nobody was hurt, the operator said on Friday."
)


class Counting(LexicalComparer):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def compare_segmented(
        self,
        a: Segmented,
        b: Segmented,
        vectors_a: Vectors | None = None,
        vectors_b: Vectors | None = None,
    ) -> Comparison:
        self.calls += 1
        return super().compare_segmented(a, b)


def test_pairs_of_the_same_two_texts_are_compared_once_and_reported_for_their_own_sides() -> None:
    docs = [Document("wire", STORY)] + [Document(f"paper{k}", STORY) for k in range(6)]
    docs.append(Document("edited", STORY.replace("ninety", "ninety-one")))
    segs = [segment(d) for d in docs]
    cmp = Counting()
    pairs = [(0, k) for k in range(1, 8)]
    edges = list(verify(pairs, segs, cmp))
    assert cmp.calls == 2  # wire vs its verbatim copies once, wire vs the edited copy once
    assert [(e.comparison.a.id, e.comparison.b.id) for e in edges] == [
        ("wire", d.id) for d in docs[1:]
    ]
    assert [str(e.comparison.verdict) for e in edges] == ["identical"] * 6 + ["near-duplicate"]


def test_copies_with_other_dates_are_compared_on_their_own() -> None:
    docs = [Document("a", STORY, published="2024-01-01"), Document("b", STORY)]
    docs.append(Document("c", STORY, published="2024-02-01"))
    segs = [segment(d) for d in docs]
    cmp = Counting()
    list(verify([(0, 1), (0, 2)], segs, cmp))
    assert cmp.calls == 2  # the date decides the direction, so it is part of what is compared

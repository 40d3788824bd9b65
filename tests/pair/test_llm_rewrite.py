"""A language model's copy: condensed, sentences merged, restyled, commentary added."""

from __future__ import annotations

from pathlib import Path

import pytest

from retold.documents import Comparison, Verdict
from retold.pair.compare import Comparer

LLM = Path(__file__).resolve().parents[1] / "fixtures" / "llm"


@pytest.fixture(scope="module")
def texts() -> tuple[str, str]:
    return (
        (LLM / "source.txt").read_text(encoding="utf-8"),
        (LLM / "rewrite.txt").read_text(encoding="utf-8"),
    )


@pytest.fixture(scope="module")
def comparison(texts: tuple[str, str]) -> Comparison:
    return Comparer("fast").compare(*texts)


def test_the_rewrite_is_called_a_rewrite(comparison: Comparison) -> None:
    assert comparison.verdict == Verdict.REWRITE
    assert comparison.scores["reuse_probability"] > 0.9


def test_merged_sentences_form_many_to_one_links(comparison: Comparison) -> None:
    merges = [lk for lk in comparison.alignment.links if len(lk.a) >= 2 and len(lk.b) == 1]
    assert merges, "no source sentences were merged into one rewrite sentence"
    # the closing commentary has no source
    last = len(comparison.b.sentences) - 1
    assert last in comparison.alignment.b_only


def test_the_explanation_says_how_it_was_rewritten(comparison: Comparison) -> None:
    r = comparison.rewriting
    assert r is not None and r.copy == "b"
    assert r.length_ratio < 0.8 and "condensed to" in r.summary
    assert r.merged >= 2 and r.added >= 2
    assert "more questions" in r.style


def test_the_direction_never_names_the_copy_and_swaps_with_the_sides(
    texts: tuple[str, str],
) -> None:
    c = Comparer("fast")
    forward, backward = c.compare(*texts), c.compare(texts[1], texts[0])
    assert forward.direction.source in ("a", None)
    assert backward.direction.source == {"a": "b", None: None}[forward.direction.source]
    assert forward.verdict == backward.verdict

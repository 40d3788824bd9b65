"""JSON report: schema header, stable keys, offsets that point at the sentences, round trip."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from retold import __version__
from retold.documents import Comparison
from retold.errors import InputError
from retold.report.json import SCHEMA, from_json, to_json

TOP_KEYS = [
    "schema",
    "retold_version",
    "verdict",
    "reuse",
    "coverage",
    "direction",
    "scores",
    "model",
    "a",
    "b",
    "alignment",
    "changes",
    "rewriting",
    "features",
]


def test_header_and_key_order(comparison: Comparison) -> None:
    data = json.loads(to_json(comparison))
    assert list(data) == TOP_KEYS
    assert data["schema"] == SCHEMA == "retold.comparison/1"
    assert data["retold_version"] == __version__
    assert data["verdict"] == "rewrite" and data["reuse"] is True
    assert data["coverage"] == {"a": 0.82, "b": 0.87}
    assert data["direction"] == {
        "source": "a",
        "confidence": 0.74,
        "reason": "A was published first",
    }
    assert to_json(comparison) == to_json(comparison)


def test_offsets_point_at_sentence_text(comparison: Comparison) -> None:
    data = json.loads(to_json(comparison))
    for side in ("a", "b"):
        text = data[side]["text"]
        assert data[side]["sentences"], side
        for s in data[side]["sentences"]:
            assert text[s["start"] : s["end"]] == s["text"]


def test_links_and_changes(comparison: Comparison) -> None:
    data = json.loads(to_json(comparison))
    links = data["alignment"]["links"]
    assert links[1] == {
        "a": [2],
        "b": [2, 3],
        "similarity": 0.74,
        "kind": "reworded",
        "moved": False,
    }
    assert links[-1]["moved"] is True
    assert data["alignment"]["a_only"] == [0, 4] and data["alignment"]["b_only"] == [5]
    kinds = [ch["kind"] for ch in data["changes"]]
    assert kinds[0] == "name-variant" and kinds[-1] == "one-side-only"


def test_without_text_keeps_sentences(comparison: Comparison) -> None:
    data = json.loads(to_json(comparison, include_text=False))
    assert "text" not in data["a"] and "text" not in data["b"]
    assert data["a"]["sentences"][4]["kind"] == "caption"


def test_one_line_and_unicode(comparison: Comparison) -> None:
    doc = dataclasses.replace(comparison.a.document, title="Fähre – Preise")
    c = dataclasses.replace(comparison, a=dataclasses.replace(comparison.a, document=doc))
    line = to_json(c, indent=None)
    assert "\n" not in line and "Fähre – Preise" in line


def test_round_trip_is_stable(comparison: Comparison) -> None:
    first = to_json(comparison)
    back = from_json(first)
    assert to_json(back) == first
    assert back.alignment.links[1].b == (2, 3)
    assert back.a.sentences[4].kind == comparison.a.sentences[4].kind


def test_non_finite_score_becomes_null(comparison: Comparison) -> None:
    c = dataclasses.replace(comparison, scores={"similarity": float("nan"), "lexical": 0.5})
    data = json.loads(to_json(c))
    assert data["scores"] == {"similarity": None, "lexical": 0.5}
    assert from_json(to_json(c)).scores == {"lexical": 0.5}


def test_from_json_errors(comparison: Comparison) -> None:
    with pytest.raises(InputError, match=r"^not a JSON comparison: "):
        from_json("{")
    with pytest.raises(InputError, match=re.escape('expected "schema": "retold.comparison/1"')):
        from_json('{"verdict": "rewrite"}')
    with pytest.raises(InputError, match="write it again with the document texts included"):
        from_json(to_json(comparison, include_text=False))

"""Reading and validating the pairs JSONL file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.documents import Verdict
from retold.errors import InputError
from retold.eval.pairs import GoldPair, Passage, read_pairs, write_pairs


def _write(path: Path, *rows: object) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_roundtrip(tmp_path: Path) -> None:
    pair = GoldPair(
        id="p1",
        a="Boats left port. Rain fell.",
        b="Rain fell. Boats left the port.",
        label=Verdict.REWRITE,
        a_sentences=("Boats left port.", "Rain fell."),
        b_sentences=("Rain fell.", "Boats left the port."),
        alignment=(((0,), (1,)), ((1,), (0,))),
        passages=(Passage(0, 16, 11, 20),),
        meta={"genre": "weather"},
    )
    path = tmp_path / "p.jsonl"
    write_pairs([pair], path)
    [back] = read_pairs(path)
    assert back == pair
    assert back.gold_reuse is True


def test_reuse_from_label_and_explicit_reuse(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "p.jsonl",
        {"a": "x", "b": "y", "label": "related"},
        {"a": "x", "b": "y", "reuse": True},
        {"a": "x", "b": "y", "score": 3.5},
    )
    pairs = read_pairs(path)
    assert [p.id for p in pairs] == ["1", "2", "3"]
    assert [p.gold_reuse for p in pairs] == [False, True, None]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('{"a": "x", "b": ', "p.jsonl line 2: not valid JSON"),
        ('["a", "b"]', "p.jsonl line 2: expected a JSON object, got list"),
        (
            {"a": "x", "label": "rewrite"},
            "'b' must be a string (the text of side b), got missing",
        ),
        ({"a": "x", "b": "y"}, "p.jsonl line 2: no gold answer: give 'label', 'reuse' or 'score'"),
        ({"a": "x", "b": "y", "label": "copy"}, "p.jsonl line 2: 'label' 'copy' is not a verdict"),
        ({"a": "x", "b": "y", "reuse": "yes"}, "p.jsonl line 2: 'reuse' must be true or false"),
        (
            {"a": "x", "b": "y", "reuse": True, "colour": 1},
            "unknown field(s) colour",
        ),
        (
            {"a": "x", "b": "y", "reuse": True, "alignment": [[[0], [0]]]},
            "'alignment' needs 'a_sentences' and 'b_sentences' to refer to",
        ),
        (
            {
                "a": "x",
                "b": "y",
                "reuse": True,
                "a_sentences": ["x"],
                "b_sentences": ["y"],
                "alignment": [[[0], [1]]],
            },
            "alignment link 0: sentence index 1 out of range (b_sentences has 1)",
        ),
        (
            {"a": "x", "b": "y", "reuse": True, "passages": [{"a_offset": 0}]},
            "passage 0 needs integer a_offset, a_length, b_offset, b_length",
        ),
        (
            {"id": "first", "a": "x", "b": "y", "reuse": True},
            "line 2: duplicate id 'first'",
        ),
    ],
)
def test_errors_name_the_line_and_field(tmp_path: Path, row: object, message: str) -> None:
    path = _write(tmp_path / "p.jsonl", {"id": "first", "a": "x", "b": "y", "reuse": False}, row)
    with pytest.raises(InputError) as info:
        read_pairs(path)
    assert message in str(info.value)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_pairs(tmp_path / "none.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(InputError, match="holds no pairs"):
        read_pairs(empty)


def test_limit(tmp_path: Path) -> None:
    path = _write(tmp_path / "p.jsonl", *({"a": "x", "b": "y", "reuse": True} for _ in range(5)))
    assert len(read_pairs(path, limit=2)) == 2

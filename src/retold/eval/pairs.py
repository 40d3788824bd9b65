"""The gold pairs file read by ``retold eval``: one JSON object a line.

Fields of a line:

- ``id`` (str, optional: the line number when absent), ``a`` and ``b`` (texts);
- at least one gold answer: ``label`` (a verdict name), ``reuse`` (true/false) or ``score``
  (graded similarity, e.g. STS 0-5);
- optional ``a_sentences`` and ``b_sentences`` (the sentence lists gold links refer to; when
  given they replace retold's own segmentation) and ``alignment``, a list of links
  ``[[i, ...], [j, ...]]`` over those lists;
- optional ``passages``: gold reused character spans, each
  ``{"a_offset", "a_length", "b_offset", "b_length"}`` (PAN-style, scored with PlagDet);
- optional ``meta``: a free dict (e.g. the STS genre) carried to the report.

Side ``a`` is the source and side ``b`` the copy where the data tells them apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retold.documents import Verdict
from retold.errors import InputError

_VERDICTS = ", ".join(v.value for v in Verdict)
_KNOWN = {
    "id",
    "a",
    "b",
    "label",
    "reuse",
    "score",
    "a_sentences",
    "b_sentences",
    "alignment",
    "passages",
    "meta",
}
_PASSAGE_KEYS = ("a_offset", "a_length", "b_offset", "b_length")

GoldLink = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Passage:
    """A gold reused span: ``a[a_offset:a_offset+a_length]`` reappears in ``b``."""

    a_offset: int
    a_length: int
    b_offset: int
    b_length: int

    def to_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in _PASSAGE_KEYS}


@dataclass(frozen=True, slots=True)
class GoldPair:
    """One pair of texts with its gold answers.

    Attributes:
        id: Pair id, unique within a file.
        a: Text of side A (the source where known).
        b: Text of side B (the copy where known).
        label: Gold verdict, if the data has one.
        reuse: Gold reuse decision; derived from ``label`` when only that is given.
        score: Gold graded similarity (STS), if any.
        a_sentences: Sentence list of A that ``alignment`` refers to.
        b_sentences: Sentence list of B that ``alignment`` refers to.
        alignment: Gold links over the sentence lists.
        passages: Gold reused character spans.
        meta: Free extra fields, e.g. ``{"genre": "main-news"}``.
    """

    id: str
    a: str
    b: str
    label: Verdict | None = None
    reuse: bool | None = None
    score: float | None = None
    a_sentences: tuple[str, ...] | None = None
    b_sentences: tuple[str, ...] | None = None
    alignment: tuple[GoldLink, ...] | None = None
    passages: tuple[Passage, ...] | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def gold_reuse(self) -> bool | None:
        """The gold reuse decision: ``reuse`` if given, else whether ``label`` means reuse."""
        if self.reuse is not None:
            return self.reuse
        return self.label.is_reuse if self.label is not None else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "a": self.a, "b": self.b}
        if self.label is not None:
            out["label"] = self.label.value
        if self.reuse is not None:
            out["reuse"] = self.reuse
        if self.score is not None:
            out["score"] = self.score
        if self.a_sentences is not None:
            out["a_sentences"] = list(self.a_sentences)
        if self.b_sentences is not None:
            out["b_sentences"] = list(self.b_sentences)
        if self.alignment is not None:
            out["alignment"] = [[list(x), list(y)] for x, y in self.alignment]
        if self.passages is not None:
            out["passages"] = [p.to_dict() for p in self.passages]
        if self.meta:
            out["meta"] = self.meta
        return out


def _fail(where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}")


def _text(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        got = "missing" if value is None else f"a {type(value).__name__}"
        raise _fail(where, f"'{key}' must be a string (the text of side {key[0]}), got {got}")
    return value


def _sentences(obj: dict[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise _fail(where, f"'{key}' must be a list of strings")
    return tuple(value)


def _indices(value: Any, n: int | None, side: str, where: str, k: int) -> tuple[int, ...]:
    ok = isinstance(value, list) and value and all(type(i) is int for i in value)
    if not ok:
        raise _fail(where, f"alignment link {k}: side {side} must be a non-empty list of integers")
    for i in value:
        if i < 0 or (n is not None and i >= n):
            size = f"{side}_sentences has {n}" if n is not None else "indices must be >= 0"
            raise _fail(where, f"alignment link {k}: sentence index {i} out of range ({size})")
    return tuple(value)


def _alignment(
    obj: dict[str, Any], n_a: int | None, n_b: int | None, where: str
) -> tuple[GoldLink, ...] | None:
    value = obj.get("alignment")
    if value is None:
        return None
    if n_a is None or n_b is None:
        raise _fail(where, "'alignment' needs 'a_sentences' and 'b_sentences' to refer to")
    if not isinstance(value, list):
        raise _fail(where, "'alignment' must be a list of links [[i, ...], [j, ...]]")
    links = []
    for k, link in enumerate(value):
        if not isinstance(link, list) or len(link) != 2:
            raise _fail(where, f"alignment link {k} must be a pair [[i, ...], [j, ...]]")
        links.append((_indices(link[0], n_a, "a", where, k), _indices(link[1], n_b, "b", where, k)))
    return tuple(links)


def _passages(obj: dict[str, Any], where: str) -> tuple[Passage, ...] | None:
    value = obj.get("passages")
    if value is None:
        return None
    if not isinstance(value, list):
        raise _fail(where, "'passages' must be a list of objects")
    out = []
    for k, p in enumerate(value):
        if not isinstance(p, dict) or not all(type(p.get(key)) is int for key in _PASSAGE_KEYS):
            raise _fail(where, f"passage {k} needs integer {', '.join(_PASSAGE_KEYS)}")
        if any(p[key] < 0 for key in _PASSAGE_KEYS):
            raise _fail(where, f"passage {k}: offsets and lengths must be >= 0")
        out.append(Passage(*(p[key] for key in _PASSAGE_KEYS)))
    return tuple(out)


def parse_pair(obj: Any, where: str, default_id: str) -> GoldPair:
    """Validate one decoded JSON value and build a :class:`GoldPair`.

    Raises:
        InputError: naming ``where`` (e.g. ``pairs.jsonl line 3``) and the bad field.
    """
    if not isinstance(obj, dict):
        raise _fail(where, f"expected a JSON object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - _KNOWN)
    if unknown:
        raise _fail(where, f"unknown field(s) {', '.join(unknown)}; put extras under 'meta'")
    a, b = _text(obj, "a", where), _text(obj, "b", where)
    label = None
    if obj.get("label") is not None:
        try:
            label = Verdict(obj["label"])
        except ValueError:
            raise _fail(where, f"'label' {obj['label']!r} is not a verdict ({_VERDICTS})") from None
    reuse = obj.get("reuse")
    if reuse is not None and not isinstance(reuse, bool):
        raise _fail(where, "'reuse' must be true or false")
    score = obj.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise _fail(where, "'score' must be a number")
    if label is None and reuse is None and score is None:
        raise _fail(where, "no gold answer: give 'label', 'reuse' or 'score'")
    a_sents, b_sents = _sentences(obj, "a_sentences", where), _sentences(obj, "b_sentences", where)
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise _fail(where, "'meta' must be an object")
    pair_id = obj.get("id", default_id)
    if not isinstance(pair_id, str | int):
        raise _fail(where, "'id' must be a string")
    return GoldPair(
        id=str(pair_id),
        a=a,
        b=b,
        label=label,
        reuse=reuse,
        score=float(score) if score is not None else None,
        a_sentences=a_sents,
        b_sentences=b_sents,
        alignment=_alignment(
            obj, len(a_sents) if a_sents else None, len(b_sents) if b_sents else None, where
        ),
        passages=_passages(obj, where),
        meta=meta,
    )


def iter_pairs(path: str | Path) -> Iterator[GoldPair]:
    """Read a pairs JSONL file lazily, validating each line.

    Raises:
        InputError: for a missing file, bad JSON or a bad field, with the line number.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"pairs file {str(p)!r} not found (expected a .jsonl file)")
    seen: set[str] = set()
    with p.open(encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{p.name} line {n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise _fail(where, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
            pair = parse_pair(obj, where, default_id=str(n))
            if pair.id in seen:
                raise _fail(where, f"duplicate id {pair.id!r}")
            seen.add(pair.id)
            yield pair


def read_pairs(path: str | Path, limit: int | None = None) -> list[GoldPair]:
    """Read and validate a whole pairs file (the first ``limit`` pairs when given).

    Raises:
        InputError: as :func:`iter_pairs`, or when the file holds no pairs.
    """
    out: list[GoldPair] = []
    for pair in iter_pairs(path):
        if limit is not None and len(out) >= limit:
            break
        out.append(pair)
    if not out:
        raise InputError(f"pairs file {str(path)!r} holds no pairs")
    return out


def write_pairs(pairs: Iterable[GoldPair], path: str | Path) -> int:
    """Write pairs as JSONL; returns how many were written."""
    n = 0
    with Path(path).open("w", encoding="utf-8") as fh:
        for pair in pairs:
            fh.write(json.dumps(pair.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    return n

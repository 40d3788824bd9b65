"""A comparison as JSON (schema ``retold.comparison/1``, described in docs/formats.md)."""

from __future__ import annotations

import json
import math
from typing import Any

from retold import __version__
from retold.documents import (
    Alignment,
    Change,
    ChangeKind,
    Comparison,
    Direction,
    Document,
    Link,
    LinkKind,
    Rewriting,
    Segmented,
    Sentence,
    SentenceKind,
    Verdict,
)
from retold.errors import InputError

SCHEMA = "retold.comparison/1"


def comparison_dict(c: Comparison, *, include_text: bool = True) -> dict[str, Any]:
    """``Comparison.to_dict`` headed by ``schema`` and ``retold_version``, floats JSON-safe."""
    body = c.to_dict(include_text=include_text)
    body["scores"] = {k: _finite(v) for k, v in body["scores"].items()}
    body["features"] = {k: _finite(v) for k, v in body["features"].items()}
    return {"schema": SCHEMA, "retold_version": __version__, **body}


def to_json(c: Comparison, *, include_text: bool = True, indent: int | None = 2) -> str:
    """A comparison as a JSON document with a fixed key order.

    Args:
        c: The comparison.
        include_text: Keep the full text of both documents (sentences, with their offsets and
            texts, are always there).
        indent: Spaces per level; None for one line (JSONL).

    Example:
        >>> import json
        >>> from retold.documents import *
        >>> seg = Segmented(Document("a.txt", ""), ())
        >>> c = Comparison(seg, seg, Verdict.IDENTICAL, 1.0, 1.0, Direction(None, 0.0, "tie"),
        ...                Alignment((), (), ()), ())
        >>> list(json.loads(to_json(c)))[:4]
        ['schema', 'retold_version', 'verdict', 'reuse']
    """
    return json.dumps(
        comparison_dict(c, include_text=include_text),
        indent=indent,
        ensure_ascii=False,
        allow_nan=False,
    )


def from_json(text: str) -> Comparison:
    """Read back a comparison written by :func:`to_json` with ``include_text=True``.

    Raises:
        InputError: The JSON is not a ``retold.comparison/1`` document with texts.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not a JSON comparison: {exc}") from exc
    return from_dict(data)


def from_dict(data: Any) -> Comparison:
    """Rebuild a comparison from the dict form (see :func:`from_json`)."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputError(f'not a retold comparison: expected "schema": "{SCHEMA}"')
    try:
        al = data["alignment"]
        return Comparison(
            a=_segmented(data["a"]),
            b=_segmented(data["b"]),
            verdict=Verdict(data["verdict"]),
            coverage_a=float(data["coverage"]["a"]),
            coverage_b=float(data["coverage"]["b"]),
            direction=Direction(**data["direction"]),
            alignment=Alignment(
                links=tuple(
                    Link(
                        tuple(x["a"]),
                        tuple(x["b"]),
                        float(x["similarity"]),
                        LinkKind(x["kind"]),
                        bool(x["moved"]),
                    )
                    for x in al["links"]
                ),
                a_only=tuple(al["a_only"]),
                b_only=tuple(al["b_only"]),
            ),
            changes=tuple(
                Change(**{**ch, "kind": ChangeKind(ch["kind"])}) for ch in data["changes"]
            ),
            scores={k: float(v) for k, v in data["scores"].items() if v is not None},
            model=data.get("model", ""),
            language_a=data["a"].get("language") or "",
            language_b=data["b"].get("language") or "",
            features={k: float(v) for k, v in (data.get("features") or {}).items()},
            rewriting=_rewriting(data.get("rewriting")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            f"comparison JSON is incomplete or malformed ({type(exc).__name__}: {exc}); "
            "write it again with the document texts included"
        ) from exc


def _rewriting(obj: Any) -> Rewriting | None:
    if not obj:
        return None
    return Rewriting(**{**obj, "style": tuple(obj.get("style", ()))})


def _segmented(side: dict[str, Any]) -> Segmented:
    if "text" not in side:
        raise KeyError("text (written with include_text=False)")
    fields = ("id", "text", "title", "url", "published", "source")
    doc = Document(**{k: side[k] for k in fields if k in side})
    sentences = tuple(
        Sentence(
            s["index"], s["start"], s["end"], s["text"], s["paragraph"], SentenceKind(s["kind"])
        )
        for s in side["sentences"]
    )
    return Segmented(doc, sentences)


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None

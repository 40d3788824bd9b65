"""Pairs from a CSV file with a header row: two text columns and a gold column.

Recognised column names (case-insensitive): ``a``/``text_a``/``sentence1``/``source`` and
``b``/``text_b``/``sentence2``/``copy`` for the texts; ``label`` (a verdict name, or 0/1),
``reuse`` (true/false, 1/0, yes/no) and ``score`` (a number) for the gold; ``id`` optional.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from retold.documents import Verdict
from retold.errors import InputError
from retold.eval.pairs import GoldPair

_A = ("a", "text_a", "sentence1", "source")
_B = ("b", "text_b", "sentence2", "copy")
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}


def _column(header: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((header[n] for n in names if n in header), None)


def _bool(value: str, where: str, column: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise InputError(f"{where}: {column} {value!r} is not a yes/no value (1/0, true/false)")


def read_csv_pairs(path: str | Path, delimiter: str = ",") -> Iterator[GoldPair]:
    """Yield pairs from a CSV (or, with ``delimiter="\\t"``, TSV) file with a header.

    Raises:
        InputError: for a missing file, missing columns or unreadable gold values.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"pairs CSV {str(p)!r} not found")
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=delimiter)
        header = {name.strip().lower(): name for name in reader.fieldnames or []}
        col_a, col_b = _column(header, _A), _column(header, _B)
        gold = [header.get(n) for n in ("label", "reuse", "score")]
        if col_a is None or col_b is None or not any(gold):
            raise InputError(
                f"{p.name}: needs text columns a and b (or text_a/text_b, sentence1/sentence2) "
                f"and a gold column label, reuse or score; found {', '.join(header) or 'none'}"
            )
        col_label, col_reuse, col_score = gold
        for n, row in enumerate(reader, 2):
            where = f"{p.name} line {n}"
            label = reuse = score = None
            if col_label and (raw := (row.get(col_label) or "").strip()):
                if raw.lower() in _TRUE | _FALSE:
                    reuse = _bool(raw, where, "label")
                else:
                    try:
                        label = Verdict(raw.lower())
                    except ValueError:
                        raise InputError(f"{where}: label {raw!r} is not a verdict") from None
            if col_reuse and (raw := (row.get(col_reuse) or "").strip()):
                reuse = _bool(raw, where, "reuse")
            if col_score and (raw := (row.get(col_score) or "").strip()):
                try:
                    score = float(raw)
                except ValueError:
                    raise InputError(f"{where}: score {raw!r} is not a number") from None
            if label is None and reuse is None and score is None:
                raise InputError(f"{where}: no gold value in label, reuse or score")
            pair_id = (row.get(header["id"]) if "id" in header else None) or str(n)
            yield GoldPair(
                id=pair_id,
                a=row.get(col_a) or "",
                b=row.get(col_b) or "",
                label=label,
                reuse=reuse,
                score=score,
            )

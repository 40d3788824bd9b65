"""STS benchmark reader: graded sentence similarity (0-5) in tab-separated rows.

Rows are ``genre, file, year, id, score, sentence1, sentence2``; some rows carry extra trailing
fields (the sources of the sentences), which are kept in ``meta``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from retold.errors import InputError
from retold.eval.pairs import GoldPair


def read_stsb(path: str | Path, genre: str | None = None) -> Iterator[GoldPair]:
    """Yield one sentence-level pair per row with the gold ``score``.

    Args:
        path: ``sts-train.csv``, ``sts-dev.csv`` or ``sts-test.csv``.
        genre: Keep only rows of this genre (``main-news``, ``main-captions``, ``main-forums``).

    Raises:
        InputError: for a missing file or a row with fewer than 7 fields or a bad score.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"STS benchmark file {str(p)!r} not found (e.g. sts-dev.csv)")
    with p.open(encoding="utf-8-sig", newline="") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) < 7:
                raise InputError(
                    f"{p.name} line {n}: expected 7 tab-separated fields "
                    f"(genre, file, year, id, score, sentence1, sentence2), got {len(fields)}"
                )
            row_genre, source, year, row_id, score, s1, s2 = fields[:7]
            try:
                value = float(score)
            except ValueError:
                raise InputError(f"{p.name} line {n}: score {score!r} is not a number") from None
            if genre is not None and row_genre != genre:
                continue
            meta: dict[str, object] = {
                "level": "sentence",
                "genre": row_genre,
                "file": source,
                "year": year,
            }
            if len(fields) > 7:
                meta["extra"] = fields[7:]
            yield GoldPair(
                id=f"{n}:{row_genre}/{source}/{year}/{row_id}",
                a=s1,
                b=s2,
                score=value,
                a_sentences=(s1,),
                b_sentences=(s2,),
                meta=meta,
            )

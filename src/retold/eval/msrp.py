"""Microsoft Research Paraphrase Corpus reader: tab-separated sentence pairs, 1 = paraphrase.

The file's header is ``Quality  #1 ID  #2 ID  #1 String  #2 String``; strings hold bare quote
marks, so lines are split on tabs, never parsed as quoted CSV.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from retold.errors import InputError
from retold.eval.pairs import GoldPair


def read_msrp(path: str | Path) -> Iterator[GoldPair]:
    """Yield one sentence-level pair per row: ``reuse`` is true for paraphrases.

    Each side is kept as a single sentence (``a_sentences``/``b_sentences``), so retold compares
    exactly the two sentences of the row.

    Raises:
        InputError: for a missing file or a row without five tab-separated fields.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"MSRP file {str(p)!r} not found (e.g. msr_paraphrase_train.txt)")
    with p.open(encoding="utf-8-sig", newline="") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if not line.strip() or (n == 1 and line.startswith("Quality")):
                continue
            fields = line.split("\t")
            if len(fields) != 5 or fields[0] not in ("0", "1"):
                raise InputError(
                    f"{p.name} line {n}: expected 5 tab-separated fields "
                    "(Quality, #1 ID, #2 ID, #1 String, #2 String) with Quality 0 or 1"
                )
            quality, id1, id2, s1, s2 = fields
            yield GoldPair(
                id=f"{id1}-{id2}",
                a=s1,
                b=s2,
                reuse=quality == "1",
                a_sentences=(s1,),
                b_sentences=(s2,),
                meta={"level": "sentence"},
            )

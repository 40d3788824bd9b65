"""Write the seed pair (../shared/eval/seed-pair) as a gold pairs file for ``retold eval``.

Gold: every sentence of the rewrite maps 1:1, in order, to its counterpart in the original;
the photo caption of the original has no counterpart. Sentence lists come from retold's own
segmenter; the script stops if they do not have the expected shape (16 and 15 sentences, one
caption in the original), so the gold never silently follows a segmentation change.

Usage:
    .venv/bin/python benchmarks/eval/seed_pair.py ../shared/eval/seed-pair /tmp/seed-pair.jsonl
    retold eval /tmp/seed-pair.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

from retold.documents import Document, SentenceKind, Verdict
from retold.eval.pairs import GoldPair, write_pairs
from retold.normalize import normalize_text
from retold.segment import segment


def main(folder: str, out: str) -> None:
    texts = {
        name: normalize_text((Path(folder) / f"{name}.txt").read_text(encoding="utf-8"))
        for name in ("original", "rewrite")
    }
    a = segment(Document("original", texts["original"])).sentences
    b = segment(Document("rewrite", texts["rewrite"])).sentences
    captions = [s.index for s in a if s.kind in (SentenceKind.CAPTION, SentenceKind.CREDIT)]
    if len(a) != 16 or len(b) != 15 or len(captions) != 1:
        sys.exit(f"unexpected segmentation: {len(a)} and {len(b)} sentences, captions {captions}")
    linked_a = [s.index for s in a if s.index != captions[0]]
    pair = GoldPair(
        id="seed-pair",
        a=texts["original"],
        b=texts["rewrite"],
        label=Verdict.REWRITE,
        a_sentences=tuple(s.text for s in a),
        b_sentences=tuple(s.text for s in b),
        alignment=tuple(((i,), (j,)) for i, j in zip(linked_a, range(len(b)), strict=True)),
    )
    write_pairs([pair], out)
    print(f"wrote {out}: 15 gold links, caption sentence {captions[0]} of the original unlinked")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: seed_pair.py SEED_PAIR_FOLDER OUT.jsonl")
    main(sys.argv[1], sys.argv[2])

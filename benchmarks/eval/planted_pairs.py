"""Build a document-level gold pairs file with planted copies from a folder of articles.

For each of ``--sources`` articles (picked with a fixed seed) it writes six pairs, each with
gold sentence lists and, for reuse, a gold sentence alignment:

- ``identical``: the article itself;
- ``near-duplicate``: one or two sentences lightly edited (a word swapped or dropped);
- ``rewrite``: every sentence edited, two sentences merged into one (a 2:1 link), one dropped,
  one foreign sentence added, and the last paragraph moved to the front (moved links);
- ``partial``: three to five consecutive sentences inserted into an unrelated article;
- two negatives (``reuse`` false): an article of another folder (label ``unrelated``) and one
  of the same folder (no label: it may be ``related`` or ``unrelated``).

Also writes every pair of exact duplicates found in the folder (same normalised text, e.g. the
BBC corpus's duplicate groups) as ``identical``.

Usage:
    .venv/bin/python benchmarks/eval/planted_pairs.py ../shared/eval/bbc-news /tmp/planted.jsonl
    retold eval /tmp/planted.jsonl
"""

from __future__ import annotations

import argparse
import random
import re
from collections import defaultdict

from retold.documents import Document, Verdict
from retold.eval.pairs import GoldPair, write_pairs
from retold.normalize import fold, normalize_text
from retold.readers.corpus import read_corpus
from retold.segment import segment

SWAPS = {
    "said": "stated",
    "says": "states",
    "also": "as well",
    "big": "large",
    "buy": "purchase",
    "help": "assist",
    "show": "reveal",
    "start": "begin",
    "end": "finish",
    "told": "informed",
    "people": "individuals",
    "firm": "company",
    "company": "firm",
    "rise": "increase",
    "fall": "drop",
    "new": "fresh",
    "plans": "proposals",
    "about": "around",
    "but": "however",
    "expected": "anticipated",
    "added": "continued",
    "main": "principal",
    "biggest": "largest",
}
DROPPABLE = ("very", "now", "also", "still", "just", "really", "already")


def light_edit(sentence: str, rng: random.Random) -> str:
    """Swap one word for a synonym, else drop a filler word, else insert one."""
    tokens = sentence.split(" ")
    spots = [k for k, t in enumerate(tokens) if t.lower().strip(",.") in SWAPS]
    if spots:
        k = rng.choice(spots)
        word = tokens[k].lower().strip(",.")
        tail = tokens[k][len(tokens[k].rstrip(",.")) :]
        repl = SWAPS[word]
        tokens[k] = (repl.capitalize() if tokens[k][0].isupper() else repl) + tail
        return " ".join(tokens)
    drops = [k for k, t in enumerate(tokens) if t.lower() in DROPPABLE]
    if drops:
        tokens.pop(rng.choice(drops))
    else:
        # nothing to swap or drop: an inserted adverb still makes it an edit
        tokens.insert(min(1, len(tokens)), "reportedly")
    return " ".join(tokens)


def heavy_edit(sentence: str, rng: random.Random) -> str:
    """Edit every swappable word and move a leading clause to the end when there is one."""
    for _ in range(3):
        sentence = light_edit(sentence, rng)
    m = re.match(r"^([A-Z][^,]{8,60}), (.+)\.$", sentence)
    if m and rng.random() < 0.5:
        sentence = (
            f"{m.group(2)[0].upper()}{m.group(2)[1:]}, {m.group(1)[0].lower()}{m.group(1)[1:]}."
        )
    return sentence


def merge(first: str, second: str) -> str:
    return f"{first.rstrip('.')}, and {second[0].lower()}{second[1:]}"


def paragraphs(sentences: list[str]) -> str:
    return "\n\n".join(" ".join(sentences[k : k + 3]) for k in range(0, len(sentences), 3))


def planted(pid: str, a: list[str], other: list[str], rng: random.Random) -> list[GoldPair]:
    n = len(a)
    text_a = paragraphs(a)
    out = [
        GoldPair(
            f"{pid}/identical",
            text_a,
            text_a,
            label=Verdict.IDENTICAL,
            a_sentences=tuple(a),
            b_sentences=tuple(a),
            alignment=tuple(((i,), (i,)) for i in range(n)),
        )
    ]
    near = list(a)
    for k in rng.sample(range(n), min(2, n)):
        near[k] = light_edit(near[k], rng)
    out.append(
        GoldPair(
            f"{pid}/near-duplicate",
            text_a,
            paragraphs(near),
            label=Verdict.NEAR_DUPLICATE,
            a_sentences=tuple(a),
            b_sentences=tuple(near),
            alignment=tuple(((i,), (i,)) for i in range(n)),
        )
    )
    # rewrite: (a indices, b sentence) in b order
    items: list[tuple[tuple[int, ...], str]] = []
    m = rng.randrange(0, n - 1)
    drop = rng.choice([k for k in range(n) if k not in (m, m + 1)])
    i = 0
    while i < n:
        if i == m:
            items.append(((i, i + 1), merge(heavy_edit(a[i], rng), heavy_edit(a[i + 1], rng))))
            i += 2
            continue
        if i != drop:
            items.append(((i,), heavy_edit(a[i], rng)))
        i += 1
    items.insert(rng.randrange(1, len(items)), ((), rng.choice(other)))
    tail = max(2, len(items) // 4)
    items = items[-tail:] + items[:-tail]  # the last paragraph moves to the front
    b = [s for _, s in items]
    out.append(
        GoldPair(
            f"{pid}/rewrite",
            text_a,
            paragraphs(b),
            label=Verdict.REWRITE,
            a_sentences=tuple(a),
            b_sentences=tuple(b),
            alignment=tuple((idx, (j,)) for j, (idx, _) in enumerate(items) if idx),
        )
    )
    size = rng.randint(3, min(5, n))
    start = rng.randrange(0, n - size + 1)
    at = rng.randrange(1, max(2, len(other)))
    b = other[:at] + a[start : start + size] + other[at:]
    out.append(
        GoldPair(
            f"{pid}/partial",
            text_a,
            paragraphs(b),
            label=Verdict.PARTIAL,
            a_sentences=tuple(a),
            b_sentences=tuple(b),
            alignment=tuple(((start + k,), (at + k,)) for k in range(size)),
        )
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("out")
    ap.add_argument("--sources", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    docs = list(read_corpus(args.folder, on_skip=lambda *_: None))
    sentences: dict[str, list[str]] = {}
    for d in docs:
        text = normalize_text(d.text)
        sentences[d.id] = [s.text for s in segment(Document(d.id, text)).sentences]
    folder_of = {d.id: d.id.split("/")[0] for d in docs}
    by_text: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        by_text[fold(d.text)].append(d.id)
    pairs: list[GoldPair] = []
    for ids in by_text.values():
        for x in range(1, len(ids)):
            s0, s1 = sentences[ids[0]], sentences[ids[x]]
            pairs.append(
                GoldPair(
                    f"dup/{ids[0]}|{ids[x]}",
                    paragraphs(s0),
                    paragraphs(s1),
                    label=Verdict.IDENTICAL,
                )
            )
    usable = sorted(i for i, s in sentences.items() if 8 <= len(s) <= 40)
    for src in rng.sample(usable, args.sources):
        a = sentences[src]
        other_id = rng.choice([i for i in usable if folder_of[i] != folder_of[src]])
        same_id = rng.choice([i for i in usable if folder_of[i] == folder_of[src] and i != src])
        other = sentences[other_id]
        pairs.extend(planted(src, a, other, rng))
        pairs.append(
            GoldPair(f"{src}/unrelated", paragraphs(a), paragraphs(other), label=Verdict.UNRELATED)
        )
        pairs.append(
            GoldPair(
                f"{src}/same-topic", paragraphs(a), paragraphs(sentences[same_id]), reuse=False
            )
        )
    n = write_pairs(pairs, args.out)
    print(f"wrote {n} pairs to {args.out}")


if __name__ == "__main__":
    main()

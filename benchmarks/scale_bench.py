"""Scale benchmarks: a syndicated story, and many small texts.

Usage:
    python benchmarks/scale_bench.py syndication [--copies 3000] [--lexical-only]
    python benchmarks/scale_bench.py small [--rows 1000000]

``syndication`` deduplicates N copies of one BBC article as papers run a wire story (a fifth
verbatim, a fifth with the paper's byline, a fifth without the last paragraph, a fifth with a
dateline of its own and a fifth with a closing line of its own: two fifths are texts found
once), then N distinct documents (BBC articles, then generated news-like background), one
after the other in one run, and prints both times and their ratio. It checks that the copies
form one cluster in which every copy has a verdict.

``small`` deduplicates N one-line texts (``--lexical-only``, as a CSV of titles or comments
would be): generated sentences, a tenth of them repeated verbatim or with a word changed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from retold.bench.memory import PeakMemory
from retold.documents import Document
from retold.engines.local import DedupConfig, DedupResult, run_dedup
from retold.engines.workers import default_workers

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dedup_bench import bbc_docs, cached_background

PAPERS = [f"The {town} {kind}" for town in ("Ashford", "Bexley", "Carlow", "Dunmore", "Elgin",
          "Fenwick", "Garth", "Halton") for kind in ("Courier", "Gazette", "Herald", "Post",
          "Echo")]  # fmt: skip


def syndicated(article: Document, n: int) -> list[Document]:
    """``n`` copies of ``article`` as different papers would print it."""
    paras = article.text.split("\n\n")
    out = []
    for k in range(n):
        paper = PAPERS[k % len(PAPERS)]
        kind = k % 5
        if kind == 0:
            text = article.text
        elif kind == 1:
            text = f"By staff reporters, {paper}\n\n{article.text}"
        elif kind == 2:
            text = "\n\n".join(paras[:-1]) if len(paras) > 2 else article.text
        elif kind == 3:
            text = f"LONDON ({paper}, edition {k}) - {article.text}"
        else:
            text = f"{article.text}\n\nThis report appeared in {paper}, edition {k}."
        out.append(Document(f"copy/{k:06d}", text))
    return out


def run(docs: list[Document], cfg: DedupConfig, workers: int) -> tuple[DedupResult, float, float]:
    t = time.perf_counter()
    with PeakMemory(interval=0.2, children=True) as mem:
        result = run_dedup(docs, cfg, workers=workers)
    return result, time.perf_counter() - t, mem.peak_mb


def run_syndication(args: argparse.Namespace) -> None:
    bbc = bbc_docs()
    article = max(bbc[:200], key=lambda d: len(d.text.split("\n\n")))
    copies = syndicated(article, args.copies)
    rng = random.Random(0)
    distinct = bbc[: args.copies]
    if len(distinct) < args.copies:
        distinct += cached_background(bbc, args.copies - len(distinct), 0, rng)
    cfg = DedupConfig(lexical_only=args.lexical_only)
    print(f"article {article.id}: {len(article.text.split())} words; {len(copies)} copies,"
          f" {len({d.text for d in copies})} distinct texts")  # fmt: skip
    walls = {}
    for name, docs in (("copies", copies), ("distinct", distinct)):
        result, wall, peak = run(docs, cfg, args.workers)
        walls[name] = wall
        print(f"\n[{name}] {len(docs)} docs in {wall:.1f} s, peak RSS {peak:.0f} MB"
              f" (main process and workers)")  # fmt: skip
        print(json.dumps({k: result.stats[k] for k in ("candidates", "candidates_by_signal",
              "reuse_edges", "clusters", "seconds")}))  # fmt: skip
        if name == "copies":
            sizes = [r["size"] for r in result.records]
            verdicts = [m.get("verdict") for r in result.records for m in r["members"][1:]]
            print(f"[copies] clusters {sizes[:5]}; copies with a verdict"
                  f" {sum(v is not None for v in verdicts)}/{len(copies) - 1};"
                  f" verdicts {result.verdict_counts()}")  # fmt: skip
    print(f"\ncopies / distinct = {walls['copies'] / walls['distinct']:.2f}")


def one_liners(n: int, seed: int) -> list[Document]:
    """``n`` one-line texts; a tenth repeat an earlier one, verbatim or with a word changed."""
    rng = random.Random(seed)
    vocab = [f"{a}{b}" for a in ("ba", "ce", "di", "fo", "gu", "ha", "ki", "lo", "mu", "ne",
             "po", "ra", "si", "tu", "ve", "wo") for b in ("n", "r", "s", "t", "l", "m", "k",
             "d", "p", "g", "sh", "th")] * 4  # fmt: skip
    texts: list[str] = []
    for k in range(n):
        if k > 10 and rng.random() < 0.1:
            words = texts[rng.randrange(len(texts))].split()
            if rng.random() < 0.5:
                words[rng.randrange(len(words))] = rng.choice(vocab)
            texts.append(" ".join(words))
        else:
            texts.append(" ".join(rng.choice(vocab) for _ in range(rng.randint(8, 16))) + ".")
    return [Document(f"row/{k:07d}", t) for k, t in enumerate(texts)]


def run_small(args: argparse.Namespace) -> None:
    t = time.perf_counter()
    docs = one_liners(args.rows, 0)
    print(f"{len(docs)} one-line texts built in {time.perf_counter() - t:.1f} s")
    result, wall, peak = run(docs, DedupConfig(lexical_only=True), args.workers)
    print(f"[lexical-only] {len(docs)} texts in {wall:.1f} s ({len(docs) / wall:,.0f} texts/s),"
          f" peak RSS {peak:.0f} MB")  # fmt: skip
    print(json.dumps(result.stats))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["syndication", "small"])
    ap.add_argument("--copies", type=int, default=3000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--lexical-only", action="store_true")
    ap.add_argument("--workers", type=int, default=default_workers())
    args = ap.parse_args()
    {"syndication": run_syndication, "small": run_small}[args.what](args)


if __name__ == "__main__":
    main()

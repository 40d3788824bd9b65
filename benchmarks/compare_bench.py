"""Speed of ``retold compare``: warm pair, cold process, long pair; fast and accurate models.

Usage:
    python benchmarks/compare_bench.py [--shared ../shared] [--repeat 20]

Prints one line per figure. Uses ../shared/eval (seed pair, BBC articles) when present and
falls back to the project's own fixtures otherwise.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(fn, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)


def _long_pair(shared: Path, words: int, seed: int = 7) -> tuple[str, str]:
    """A ~`words`-word article made of BBC stories, and a copy with dropped, swapped and edited
    sentences, so the aligner meets skips, merges and edits."""
    from retold.documents import Document
    from retold.segment import segment

    rng = random.Random(seed)
    files = sorted((shared / "eval" / "bbc-news" / "business").glob("*.txt"))
    paragraphs: list[str] = []
    count = 0
    for f in files:
        text = f.read_bytes().decode("utf-8", "replace")
        for para in text.split("\n\n"):
            paragraphs.append(para.strip())
            count += len(para.split())
        if count >= words:
            break
    a = "\n\n".join(paragraphs)
    out = []
    for para in paragraphs:
        sents = [s.text for s in segment(Document("p", para)).sentences]
        kept = [s for s in sents if rng.random() > 0.1]
        kept = [s.replace(" said ", " stated ").replace(" the ", " this ", 1) for s in kept]
        if len(kept) > 2 and rng.random() < 0.2:
            kept[0], kept[1] = kept[1], kept[0]
        out.append(" ".join(kept))
    return a, "\n\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--no-accurate", action="store_true")
    args = ap.parse_args()

    from retold.pair.compare import Comparer

    seed = args.shared / "eval" / "seed-pair"
    if seed.exists():
        a = (seed / "original.txt").read_text(encoding="utf-8")
        b = (seed / "rewrite.txt").read_text(encoding="utf-8")
        files = [str(seed / "original.txt"), str(seed / "rewrite.txt")]
        label = "seed pair"
    else:
        demo = ROOT / "src" / "retold" / "data" / "demo"
        a = (demo / "original.txt").read_text(encoding="utf-8")
        b = (demo / "rewrite.txt").read_text(encoding="utf-8")
        files = [str(demo / "original.txt"), str(demo / "rewrite.txt")]
        label = "demo pair"

    models = ["fast"] if args.no_accurate else ["fast", "accurate"]
    for model in models:
        t = time.perf_counter()
        comparer = Comparer(model)
        comparer.compare(a, b)
        first = time.perf_counter() - t
        med, best = _timed(lambda c=comparer: c.compare(a, b), args.repeat)
        print(
            f"{label} warm compare [{model}]: median {med * 1000:.1f} ms, best {best * 1000:.1f} ms"
            f" (model load + first compare {first:.2f} s)"
        )

    cold = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "retold", "compare", *files, "--format", "json"],
            check=True,
            capture_output=True,
        )
        cold.append(time.perf_counter() - t)
    print(f"{label} cold `retold compare` process [fast]: median {statistics.median(cold):.2f} s")

    if (args.shared / "eval" / "bbc-news").exists():
        la, lb = _long_pair(args.shared, 5000)
        comparer = Comparer("fast")
        med, best = _timed(lambda: comparer.compare(la, lb), 3)
        c = comparer.compare(la, lb)
        print(
            f"long pair ({len(la.split())} / {len(lb.split())} words, {len(c.a.sentences)} / "
            f"{len(c.b.sentences)} sentences) warm compare [fast]: median {med:.2f} s; "
            f"verdict {c.verdict}, {len(c.alignment.links)} links"
        )


if __name__ == "__main__":
    main()

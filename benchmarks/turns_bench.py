"""This checkout against an older one, in turns: cold ``retold compare`` and ``index add``.

Usage:
    git worktree add /tmp/retold-old 22e1d40      # the commit before translated copies
    python benchmarks/turns_bench.py --old /tmp/retold-old --corpus planted-10k.jsonl

Each measurement is a fresh process of this interpreter with ``PYTHONPATH`` set to one
checkout's ``src``, the two checkouts (and, for ``index add``, this checkout with
``IndexConfig.crosslingual=False``) taking turns, ``--rounds`` times:

- cold compare: ``python -m retold compare`` of the two seed-pair files, wall seconds of the
  whole process;
- index add: a new index of ``--corpus`` (any corpus ``retold index add`` reads) with two
  worker processes, wall seconds from the import of retold to the closed index.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
SEED = HERE.parent / "shared" / "eval" / "seed-pair"

ADD = """
import sys, time
if __name__ == "__main__":
    t0 = time.perf_counter()
    from retold.index import IndexStore
    from retold.readers import read_corpus
    kw = {}
    if sys.argv[3] != "old":
        from retold.index.store import IndexConfig
        kw["config"] = IndexConfig(crosslingual=sys.argv[3] == "on")
    with IndexStore.open(sys.argv[2], create=True, **kw) as ix:
        ix.add(read_corpus(sys.argv[1]), workers=2)
    print(time.perf_counter() - t0)
"""


def timed(src: Path, args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, *args],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t0


def add_seconds(src: Path, corpus: Path, mode: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", ADD, str(corpus), str(Path(tmp) / "idx"), mode],
            env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
            check=True,
            capture_output=True,
            text=True,
        )
    return float(out.stdout.split()[-1])


def report(label: str, runs: dict[str, list[float]]) -> None:
    for name, xs in runs.items():
        print(
            f"{label} {name}: median {statistics.median(xs):.2f} s"
            f" ({' / '.join(f'{x:.2f}' for x in xs)})"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", type=Path, required=True, help="the older checkout")
    ap.add_argument("--corpus", type=Path, help="corpus for index add (skipped without it)")
    ap.add_argument("--rounds", type=int, default=6)
    args = ap.parse_args()
    new, old = HERE / "src", args.old.resolve() / "src"
    pair = [str(SEED / "original.txt"), str(SEED / "rewrite.txt")]
    cold: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for name, src in (("old", old), ("new", new)):
            cold[name].append(timed(src, ["-m", "retold", "compare", *pair]))
    report("cold compare", cold)
    if args.corpus:
        adds: dict[str, list[float]] = {"old": [], "new, crosslingual off": [], "new": []}
        for _ in range(max(1, args.rounds // 2)):
            adds["old"].append(add_seconds(old, args.corpus, "old"))
            adds["new, crosslingual off"].append(add_seconds(new, args.corpus, "off"))
            adds["new"].append(add_seconds(new, args.corpus, "on"))
        report("index add", adds)


if __name__ == "__main__":
    main()

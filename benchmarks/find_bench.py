"""Index benchmark: build an index of N documents, add more incrementally, time `find`.

Usage:
    python benchmarks/find_bench.py --docs 10000 --index /tmp/retold-find-bench
    python benchmarks/find_bench.py --docs 10000 --index /tmp/retold-find-bench --queries-only

The corpus is the planted one of ``dedup_bench.py`` (BBC, MSRP rewrite pairs, background).
All documents except the rewrite sides (``msrp/*b``) are indexed; each rewrite is then looked
up with ``find``, which must return its source side (``msrp/*a``).
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from dedup_bench import bbc_docs, cached_background, planted_docs

from retold.documents import Document
from retold.engines.workers import default_workers
from retold.index import IndexStore, find_sources
from retold.pair.compare import Comparer


def build(args: argparse.Namespace, first: list[Document], docs: list[Document]) -> None:
    """Index all but the last tenth, then everything again (only the last tenth is new)."""
    shutil.rmtree(args.index, ignore_errors=True)
    with IndexStore.open(args.index, create=True) as ix:
        t = time.perf_counter()
        ix.add(first, workers=args.workers)
        t1 = time.perf_counter() - t
        t = time.perf_counter()
        rep = ix.add(docs, workers=args.workers)
        t2 = time.perf_counter() - t
        print(f"index add {len(first)} docs: {t1:.1f} s ({len(first) / t1:,.0f} docs/s)")
        print(
            f"index add of all {len(docs)} again: {rep.added} added, {rep.unchanged} skipped,"
            f" {t2:.1f} s"
        )
        print("info:", ix.info())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--index", default="/tmp/retold-find-bench")
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--workers", type=int, default=default_workers())
    ap.add_argument(
        "--queries-only", action="store_true", help="query an index built by an earlier run"
    )
    args = ap.parse_args()
    rng = random.Random(0)
    bbc = bbc_docs()
    planted, gold = planted_docs(rng)
    n_bg = max(0, args.docs - len(bbc) - len(planted))
    docs = bbc + [d for d in planted if d.id.endswith("a")] + cached_background(bbc, n_bg, 0, rng)
    rng.shuffle(docs)
    extra = max(1, len(docs) // 10)
    if not args.queries_only:
        build(args, docs[:-extra], docs)
    size = sum(p.stat().st_size for p in Path(args.index).iterdir())
    print(f"index size on disk {size / 1e6:.0f} MB")
    by_id = {d.id: d for d in planted}
    queries = [(b, a) for a, b in gold][: args.queries]
    t = time.perf_counter()
    with IndexStore.open(args.index) as ix:
        comparer = Comparer(ix.embedder)
        ix.vectors()
        find_sources(ix, by_id[queries[0][0]], comparer)  # warm: model and vector file loaded
        print(f"open + load model + first query: {time.perf_counter() - t:.2f} s")
        times, hits = [], 0
        for q, want in queries:
            t = time.perf_counter()
            matches = find_sources(ix, by_id[q], comparer)
            times.append(time.perf_counter() - t)
            hits += bool(matches) and matches[0].document.id == want
    print(
        f"find: {len(queries)} queries, median {statistics.median(times) * 1000:.0f} ms,"
        f" max {max(times) * 1000:.0f} ms; source ranked first for {hits}/{len(queries)}"
    )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

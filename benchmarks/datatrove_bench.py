"""retold lexical-only dedup against datatrove's four-stage MinHash dedup, same corpus, same run.

Usage:
    python benchmarks/datatrove_bench.py --docs 10000
    python benchmarks/datatrove_bench.py --docs 100000 --configs default,matched
    python benchmarks/datatrove_bench.py --corpus planted-1m.jsonl --configs default

The corpus is the one ``dedup_bench.py planted --docs N`` builds (BBC articles, planted MSRP
rewrites, bigram-chain background; same seeds), or the JSONL file ``--corpus`` names (one that
``dedup_bench.py corpus`` wrote, its planted pairs beside it in ``FILE.gold.json``), written once
as two JSONL shards (not timed).
Each tool then runs in its own child process on those shards, from reading to written output:

- retold: ``retold dedup SHARDS --lexical-only --num-cpus W -q -o clusters.jsonl``;
- datatrove: JsonlReader -> MinhashDedupSignature (tasks=W), MinhashDedupBuckets (one task per
  bucket), MinhashDedupCluster (one task), JsonlReader -> MinhashDedupFilter -> JsonlWriter
  (tasks=W), each a LocalPipelineExecutor with ``workers=W``, as in datatrove's
  ``examples/minhash_deduplication.py``. ``default`` is datatrove's MinhashConfig (5-grams,
  14 buckets x 8 hashes: threshold ~0.72); ``matched`` has retold's banding (5-grams, 25 bands
  x 5 rows of 128 permutations: threshold ~0.5). Words come from datatrove's English tokenizer
  (spaCy) unless ``--tokenizer whitespace`` (its text is already stripped of punctuation).

Reported per run: wall seconds, CPU seconds of the child and every process under it, docs/s,
peak RSS of the tool's processes (``PeakMemory(children=True)`` of the process tree, less this
process's own RSS, which holds the reference while the tool runs), and recall of a reference of
near-duplicate pairs that neither tool defines: every pair in a group of exact duplicates
(``dedup_bench.exact_groups``) plus every pair of documents whose sets of word 5-grams
(lower-cased ``\\w+`` words) have Jaccard >= ``--ref-jaccard``, found exactly by prefix
filtering (a pair at Jaccard >= t shares one of the first |x| - ceil(t|x|) + 1 shingles of
each document in rarest-first order) and checked by exact set intersection. A pair counts as
found when both documents are in one cluster (retold: its clusters file; datatrove: union of
the duplicate pairs its bucket stage writes, which is what its cluster stage computes).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_bench import (
    BBC,
    bbc_docs,
    cached_background,
    corpus_key,
    exact_groups,
    planted_docs,
)

from retold.bench.anchors import installed, whitespace_tokenizer
from retold.bench.memory import PeakMemory
from retold.documents import Document
from retold.readers import SkipLog, read_corpus

if not installed("datatrove"):
    sys.exit("this benchmark needs datatrove: pip install -e '.[bench]'")

HERE = Path(__file__).resolve()
RETOLD = Path(sys.executable).with_name("retold")
WORD = re.compile(r"\w+")


# --- corpus and reference --------------------------------------------------------------------


def build_corpus(n: int, seed: int) -> tuple[list[Document], list[tuple[str, str]]]:
    """The documents and planted pairs of ``dedup_bench.py planted --docs n --seed seed``."""
    rng = random.Random(seed)
    bbc = bbc_docs()
    planted, gold = planted_docs(rng)
    bg = cached_background(bbc, max(0, n - len(bbc) - len(planted)), seed, rng)
    docs = bbc + planted + bg
    random.Random(seed + 1).shuffle(docs)
    return docs, gold


def read_corpus_file(path: Path) -> tuple[list[Document], list[tuple[str, str]]]:
    """The documents of a ``dedup_bench.py corpus`` file and its planted pairs."""
    return list(read_corpus(path, on_skip=SkipLog())), corpus_key(path)[0]


def write_shards(docs: list[Document], folder: Path, shards: int) -> None:
    """``shards`` JSONL files of consecutive documents (datatrove gives one file to a task)."""
    folder.mkdir(parents=True, exist_ok=True)
    per = math.ceil(len(docs) / shards)
    for s in range(shards):
        with (folder / f"{s:05d}.jsonl").open("w", encoding="utf-8") as f:
            for d in docs[s * per : (s + 1) * per]:
                f.write(json.dumps(d.to_dict()) + "\n")


def shingle_sets(docs: list[Document]) -> list[np.ndarray]:
    out = []
    for d in docs:
        toks = WORD.findall(d.text.lower())
        grams = {hash(tuple(toks[k : k + 5])) for k in range(max(1, len(toks) - 4))}
        out.append(np.unique(np.fromiter(grams, dtype=np.int64, count=len(grams))))
    return out


def reference_pairs(docs: list[Document], t: float) -> set[tuple[str, str]]:
    """Exact-duplicate pairs and pairs at word 5-gram Jaccard >= t (exact, by prefix filter)."""
    ref = {(a, b) for g in exact_groups(docs) for a, b in itertools.combinations(sorted(g), 2)}
    sets = shingle_sets(docs)
    uniq, counts = np.unique(np.concatenate(sets), return_counts=True)
    tokens, owners = [], []
    for i, s in enumerate(sets):
        df = counts[np.searchsorted(uniq, s)]
        order = np.lexsort((s, df))  # rarest first, ties by value: one global order
        p = len(s) - math.ceil(t * len(s)) + 1
        tokens.append(s[order[:p]])
        owners.append(np.full(p, i, dtype=np.int64))
    tok, own = np.concatenate(tokens), np.concatenate(owners)
    by = np.lexsort((own, tok))
    tok, own = tok[by], own[by]
    starts = np.flatnonzero(np.r_[True, tok[1:] != tok[:-1]])
    ends = np.r_[starts[1:], len(tok)]
    seen: set[tuple[int, int]] = set()
    for a, b in zip(starts, ends, strict=True):
        if b - a < 2:
            continue
        for i, j in itertools.combinations(own[a:b].tolist(), 2):
            if (i, j) in seen:
                continue
            seen.add((i, j))
            x, y = sets[i], sets[j]
            if min(len(x), len(y)) < t * max(len(x), len(y)):
                continue
            inter = len(np.intersect1d(x, y, assume_unique=True))
            if inter >= t * (len(x) + len(y) - inter):
                ref.add(tuple(sorted((docs[i].id, docs[j].id))))  # type: ignore[arg-type]
    return ref


# --- measuring a child process ---------------------------------------------------------------


class TreeCPU:
    """CPU seconds of a process and all its descendants, sampled (processes that a forkserver
    starts are not children of the benchmark, so ``RUSAGE_CHILDREN`` misses them)."""

    def __init__(self, interval: float = 0.1) -> None:
        import psutil

        self._psutil = psutil
        self.interval = interval
        self.seen: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()

    def _sample(self) -> None:
        me = self._psutil.Process(os.getpid())
        while not self._stop.wait(self.interval):
            for p in me.children(recursive=True):
                try:
                    t = p.cpu_times()
                    self.seen[(p.pid, p.create_time())] = t.user + t.system
                except self._psutil.Error:
                    pass

    def __enter__(self) -> TreeCPU:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measured(cmd: list[str], log: Path) -> dict[str, float]:
    """Run ``cmd``, its stderr (datatrove's log) to ``log``; wall, CPU and peak RSS."""
    import psutil

    own_mb = psutil.Process().memory_info().rss / 2**20
    c0 = children_cpu()
    t0 = time.perf_counter()
    with (
        log.open("w") as err,
        PeakMemory(interval=0.1, children=True) as mem,
        TreeCPU() as tree,
    ):
        subprocess.run(cmd, check=True, stderr=err)
    wall = time.perf_counter() - t0
    # waited-for descendants are exact; the sample catches those reaped elsewhere
    cpu = max(children_cpu() - c0, tree.seconds)
    # the tree includes this process, idle while the tool runs but holding the reference
    return {"wall": wall, "cpu": cpu, "rss_mb": mem.peak_mb - own_mb}


# --- the two tools ---------------------------------------------------------------------------


def retold_clusters(path: Path) -> dict[str, int]:
    out = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            for m in r["members"]:
                out[m["id"]] = r["cluster"]
    return out


def minhash_config(name: str):
    from datatrove.pipeline.dedup.minhash import MinhashConfig

    if name == "default":
        return MinhashConfig()
    if name == "matched":
        return MinhashConfig(n_grams=5, num_buckets=25, hashes_per_bucket=5)
    raise SystemExit(f"unknown config {name!r}: choose default or matched")


def run_datatrove(corpus: Path, work: Path, config: str, tokenizer: str, workers: int) -> None:
    """The four stages, each a LocalPipelineExecutor (runs in a child process)."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.typeshelper import Languages

    cfg = minhash_config(config)
    lang = whitespace_tokenizer() if tokenizer == "whitespace" else Languages.english
    shards = len(list(corpus.glob("*.jsonl")))
    stages = [
        (
            [
                JsonlReader(str(corpus)),
                MinhashDedupSignature(
                    output_folder=str(work / "signatures"), config=cfg, language=lang
                ),
            ],
            shards,
        ),
        (
            [
                MinhashDedupBuckets(
                    input_folder=str(work / "signatures"),
                    output_folder=str(work / "buckets"),
                    config=cfg,
                )
            ],
            cfg.num_buckets,
        ),
        (
            [
                MinhashDedupCluster(
                    input_folder=str(work / "buckets"),
                    output_folder=str(work / "remove_ids"),
                    config=cfg,
                )
            ],
            1,
        ),
        (
            [
                JsonlReader(str(corpus)),
                MinhashDedupFilter(
                    input_folder=str(work / "remove_ids"),
                    exclusion_writer=JsonlWriter(str(work / "removed")),
                ),
                JsonlWriter(str(work / "deduped")),
            ],
            shards,
        ),
    ]
    for k, (pipeline, tasks) in enumerate(stages, 1):
        t = time.perf_counter()
        LocalPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks,
            workers=min(workers, tasks),
            logging_dir=str(work / "logs" / f"stage{k}"),
        ).run()
        print(f"  datatrove stage {k}: {time.perf_counter() - t:.1f} s", flush=True)


def datatrove_clusters(work: Path, corpus: Path) -> tuple[dict[str, int], set[str]]:
    """Union of the bucket stage's duplicate pairs, by document id; and the removed ids."""
    ids = []
    for shard in sorted(corpus.glob("*.jsonl")):
        with shard.open(encoding="utf-8") as f:
            ids.append([json.loads(line)["id"] for line in f])
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for dups in (work / "buckets").glob("*.dups"):
        data = np.fromfile(dups, dtype="<u4").reshape(-1, 4)
        for f1, d1, f2, d2 in data.tolist():
            x, y = ids[f1][d1], ids[f2][d2]
            parent.setdefault(x, x)
            parent.setdefault(y, y)
            a, b = root(x), root(y)
            if a != b:
                parent[b] = a
    roots = {x: root(x) for x in list(parent)}
    number = {r: k for k, r in enumerate(sorted(set(roots.values())))}
    removed = set()
    import gzip

    for f in (work / "removed").glob("*"):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            removed.update(json.loads(line)["id"] for line in fh)
    return {x: number[r] for x, r in roots.items()}, removed


# --- the benchmark ---------------------------------------------------------------------------


def recall(ref: set[tuple[str, str]], where: dict[str, int]) -> int:
    return sum(1 for a, b in ref if a in where and where.get(a) == where.get(b))


def report(
    name: str, m: dict[str, float], n: int, where: dict[str, int], ref, gold
) -> tuple[float, float]:
    rate = n / m["wall"]
    found, planted = recall(ref, where), recall(set(gold), where)
    bg = sum(1 for x in where if x.startswith("bg/"))
    print(
        f"[{name}] {m['wall']:.1f} s wall, {m['cpu']:.1f} s CPU (all processes),"
        f" {rate:,.0f} docs/s, peak RSS {m['rss_mb']:.0f} MB;"
        f" near-duplicate recall {found}/{len(ref)} = {found / max(1, len(ref)):.4f};"
        f" planted rewrites {planted}/{len(gold)}; docs in clusters {len(where)}"
        f" (background {bg}); load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return rate, m["cpu"] / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--corpus", type=Path, help="a dedup_bench.py corpus file instead of --docs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2, help="processes for each tool")
    ap.add_argument("--configs", default="default,matched", help="datatrove MinhashConfigs to run")
    ap.add_argument("--tokenizer", choices=["spacy", "whitespace"], default="spacy")
    ap.add_argument("--ref-jaccard", type=float, default=0.8)
    ap.add_argument("--work-dir", default="/tmp/retold-datatrove-bench")
    ap.add_argument("--datatrove-child", nargs=3, metavar=("CORPUS", "WORK", "CONFIG"))
    args = ap.parse_args()
    if args.datatrove_child:
        corpus, work, config = args.datatrove_child
        run_datatrove(Path(corpus), Path(work), config, args.tokenizer, args.workers)
        return
    if not BBC.exists():
        sys.exit(f"{BBC} not found: this benchmark needs ../shared/eval")

    root = Path(args.work_dir) / (args.corpus.stem if args.corpus else f"n{args.docs}")
    shutil.rmtree(root, ignore_errors=True)
    t = time.perf_counter()
    if args.corpus:
        docs, gold = read_corpus_file(args.corpus)
    else:
        docs, gold = build_corpus(args.docs, args.seed)
    corpus = root / "corpus"
    write_shards(docs, corpus, args.workers)
    print(f"corpus: {len(docs)} docs in {args.workers} shards, {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    cache = Path(f"/tmp/retold-datatrove-ref-{len(docs)}-{args.seed}-{args.ref_jaccard}.json")
    digest = hashlib.sha1("".join(d.id for d in docs).encode()).hexdigest()
    cached = json.loads(cache.read_text()) if cache.exists() else {}
    if cached.get("digest") == digest:
        ref = {tuple(p) for p in cached["pairs"]}
    else:
        ref = reference_pairs(docs, args.ref_jaccard)
        cache.write_text(json.dumps({"digest": digest, "pairs": sorted(ref)}))
    ref_docs = {x for p in ref for x in p}
    print(
        f"reference: {len(ref)} pairs over {len(ref_docs)} docs (exact duplicates + word 5-gram"
        f" Jaccard >= {args.ref_jaccard}), {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    del docs

    print(f"load before runs {os.getloadavg()}", flush=True)
    out = root / "retold-clusters.jsonl"
    m = measured(
        [
            str(RETOLD),
            "dedup",
            str(corpus),
            "--lexical-only",
            "--num-cpus",
            str(args.workers),
            "-q",
            "-o",
            str(out),
        ],
        root / "retold.log",
    )
    n = sum(1 for f in corpus.glob("*.jsonl") for _ in f.open(encoding="utf-8"))
    rates = {"retold": report("retold lexical-only", m, n, retold_clusters(out), ref, gold)}
    for config in args.configs.split(","):
        work = root / f"datatrove-{config}"
        m = measured(
            [
                sys.executable,
                str(HERE),
                "--datatrove-child",
                str(corpus),
                str(work),
                config,
                "--tokenizer",
                args.tokenizer,
                "--workers",
                str(args.workers),
            ],
            root / f"datatrove-{config}.log",
        )
        where, removed = datatrove_clusters(work, corpus)
        extra = len(removed) - (len(where) - len(set(where.values())))
        if extra:
            print(f"  warning: removed ids and pair clusters disagree by {extra}")
        rates[config] = report(f"datatrove {config} ({args.tokenizer})", m, n, where, ref, gold)
        (rate, cpu), (dt_rate, dt_cpu) = rates["retold"], rates[config]
        print(
            f"  retold / datatrove {config}: {rate / dt_rate:.2f}x docs/s (wall),"
            f" {dt_cpu / cpu:.2f}x docs per CPU second"
        )


if __name__ == "__main__":
    main()

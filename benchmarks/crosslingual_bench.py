"""Mixed-language dedup benchmark: translated copies hidden in an English collection.

Usage:
    python benchmarks/crosslingual_bench.py [--pairs N] [--background N] [--candidates-only]

The corpus is the BBC articles (English background) plus WMT22 news documents from
../shared/eval/news-dev/wmt22-crosslingual.jsonl: each source article (ru, ja, de, fr, en) and
its professional translation (en, fr, de, zh, hr). The same corpus without the translations is
run first, so the two times read side by side. It reports the recall of the translated copies
(source and translation in one cluster), wrong merges (a translation clustered with another
WMT story), the candidates per signal, seconds per stage and peak RSS.

``--candidates-only`` stops after candidate search (recall of the candidate stage alone, no
model calls): a quick check while developing.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from pathlib import Path

from retold.collection.candidates import Candidates
from retold.collection.crosslingual import crosslingual_candidates, document_languages
from retold.documents import Document
from retold.engines.local import DedupConfig, run_dedup
from retold.readers import SkipLog, read_corpus

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
BBC = SHARED / "bbc-news"
WMT = SHARED / "news-dev" / "wmt22-crosslingual.jsonl"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bbc_docs(limit: int | None) -> list[Document]:
    docs = [d for d in read_corpus(BBC, on_skip=SkipLog()) if not d.id.endswith("README.TXT")]
    return docs[:limit] if limit is not None else docs


def wmt_pairs(limit: int | None, seed: int) -> list[tuple[Document, Document]]:
    """Translated pairs (source, translation), ``limit`` of them spread over the language pairs."""
    rows = [json.loads(line) for line in WMT.read_text(encoding="utf-8").splitlines()]
    pairs = []
    for r in rows:
        if not r["reuse"]:
            continue
        doc, lp = r["meta"]["doc"], r["meta"]["pair"]
        pairs.append(
            (Document(f"wmt/{lp}/{doc}/src", r["a"]), Document(f"wmt/{lp}/{doc}/tgt", r["b"]))
        )
    random.Random(seed).shuffle(pairs)
    return pairs[:limit] if limit is not None else pairs


def run(docs: list[Document], label: str, workers: int) -> tuple[dict[str, str], float]:
    """Dedup ``docs``; return each clustered document's cluster source and the seconds."""
    t0, c0 = time.perf_counter(), time.process_time()
    result = run_dedup(docs, DedupConfig(), workers=workers)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    cluster_of = {m["id"]: rec["source"] for rec in result.records for m in rec["members"]}
    stats = result.stats
    print(
        f"{label}: {len(docs)} documents, {seconds:.1f} s (CPU {cpu:.1f} s), "
        f"candidates {stats['candidates_by_signal']}, clusters {stats['clusters']}, "
        f"seconds {stats['seconds']}, peak RSS {peak_rss_mb():.0f} MB"
    )
    return cluster_of, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=None, help="translated pairs (default all)")
    parser.add_argument("--background", type=int, default=None, help="BBC articles (default all)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--candidates-only", action="store_true")
    args = parser.parse_args()

    background = bbc_docs(args.background)
    pairs = wmt_pairs(args.pairs, args.seed)
    sources = [s for s, _ in pairs]
    translations = [t for _, t in pairs]
    mixed = background + sources + translations
    other = sum(1 for lang in document_languages(mixed) if lang != "en")
    print(
        f"corpus: {len(background)} BBC + {len(sources)} WMT sources + {len(translations)} "
        f"translations = {len(mixed)} documents, {other} ({other / len(mixed):.0%}) not English"
    )
    if args.candidates_only:
        t0 = time.perf_counter()
        cands = Candidates()
        per_language = crosslingual_candidates(mixed, cands)
        seconds = time.perf_counter() - t0
        pos = {d.id: i for i, d in enumerate(mixed)}
        found = sum(
            1 for s, t in pairs if (min(pos[s.id], pos[t.id]), max(pos[s.id], pos[t.id])) in cands
        )
        print(f"languages: {dict(sorted(per_language.items(), key=lambda x: -x[1]))}")
        print(
            f"crosslingual candidates: {len(cands)} pairs in {seconds:.1f} s; "
            f"recall of translated pairs {found}/{len(pairs)} = {found / len(pairs):.3f}"
        )
        return

    _, base_seconds = run(background + sources, "without translations", args.workers)
    cluster_of, mixed_seconds = run(mixed, "with translations", args.workers)
    found = sum(
        1 for s, t in pairs if s.id in cluster_of and cluster_of.get(t.id) == cluster_of[s.id]
    )
    own = {t.id: s.id for s, t in pairs}
    wrong = 0
    for t in translations:
        if t.id not in cluster_of:
            continue
        mates = [d for d, c in cluster_of.items() if c == cluster_of[t.id] and d != t.id]
        wrong += any(m.startswith("wmt/") and m != own[t.id] for m in mates)
    print(
        f"recall of translated copies {found}/{len(pairs)} = {found / len(pairs):.3f}; "
        f"translations clustered with another WMT story: {wrong}"
    )
    print(
        f"time: {base_seconds:.1f} s without translations, {mixed_seconds:.1f} s with "
        f"({mixed_seconds / base_seconds:.2f}x)"
    )


if __name__ == "__main__":
    main()

"""Mixed-language dedup benchmark: translated copies hidden in an English collection.

Usage:
    python benchmarks/crosslingual_bench.py [--docs 10000] [--pairs N] [--candidates-only]
    python benchmarks/crosslingual_bench.py --background 1000 --pairs 60   # BBC only, quick

The corpus is WMT22 news documents from ../shared/eval/news-dev/wmt22-crosslingual.jsonl (each
source article, in ru, ja, de, fr or en, and its professional translation, in en, fr, de, zh or
hr; 291 pairs in all) in an English background: the BBC articles, then, up to ``--docs``
documents, the generated news-like documents of ``dedup_bench.py`` (word-bigram chains over BBC
text, no sentence a copy). The same corpus without the translations is run first, so the two
times read side by side. It reports the recall of the translated copies
(source and translation in one cluster), wrong merges (a translation clustered with another
WMT story), the candidates per signal, seconds per stage and peak RSS.

``--index`` instead adds the corpus without the translations to an index (``retold index
add``), then looks up each translation (``retold find``): how many find their source first, the
time per query, and the share of the add spent on languages and fingerprints.

``--candidates-only`` stops after candidate search (recall of the candidate stage alone, no
model calls): a quick check while developing.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
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


def generated(bbc: list[Document], n: int, seed: int) -> list[Document]:
    """``n`` generated English background documents (see ``dedup_bench.py``)."""
    if n <= 0:
        return []
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from dedup_bench import cached_background

    return cached_background(bbc, n, seed, random.Random(seed))


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


def run_index(
    stored: list[Document], pairs: list[tuple[Document, Document]], workers: int, repeat: int
) -> None:
    """Index ``stored``, then find each translation's source in it."""
    import shutil
    import statistics
    import tempfile

    from retold.collection.crosslingual import lead_keys
    from retold.index import IndexStore, find_sources
    from retold.index.store import IndexConfig
    from retold.pair.compare import Comparer

    with tempfile.TemporaryDirectory() as tmp:
        # without languages and fingerprints first, then with: side by side, same corpus
        seconds: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(repeat):
            for on in (False, True):
                folder = Path(tmp) / ("on" if on else "off")
                shutil.rmtree(folder, ignore_errors=True)
                t0 = time.perf_counter()
                config = IndexConfig(crosslingual=on)
                with IndexStore.open(folder, create=True, config=config) as ix:
                    ix.add(stored, workers=workers)
                    languages = ix.language_counts()
                seconds[on].append(time.perf_counter() - t0)
        off, on_ = min(seconds[False]), min(seconds[True])
        # the cross-lingual part of add, timed alone: identification runs in the workers,
        # fingerprints in this process
        c0 = time.process_time()
        langs = document_languages(stored)
        c1 = time.process_time()
        for d, lang in zip(stored, langs, strict=True):
            if lang != "und":
                lead_keys(d)
        c2 = time.process_time()
        print(
            f"index add of {len(stored)} documents, best of {repeat}: {off:.1f} s without languages"
            f" and fingerprints, {on_:.1f} s with ({on_ / off:.3f}x; all {seconds});"
            f" languages {languages}; alone: language identification {c1 - c0:.2f} s CPU,"
            f" fingerprints {c2 - c1:.2f} s CPU"
        )
        with IndexStore.open(Path(tmp) / "on", readonly=True) as ix:
            comparer = Comparer(ix.embedder)
            first = anywhere = 0
            times = []
            for source, translation in pairs:
                t0 = time.perf_counter()
                ids = [m.document.id for m in find_sources(ix, translation, comparer)]
                times.append(time.perf_counter() - t0)
                first += bool(ids) and ids[0] == source.id
                anywhere += source.id in ids
    print(
        f"find: source first for {first}/{len(pairs)} translations = {first / len(pairs):.3f},"
        f" among the matches for {anywhere}; median {statistics.median(times):.2f} s per query"
        f" (max {max(times):.2f} s, multilingual models loaded by the first)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=None, help="translated pairs (default all)")
    parser.add_argument("--background", type=int, default=None, help="BBC articles (default all)")
    parser.add_argument(
        "--docs", type=int, default=10_000, help="documents with translations (generated fill)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--candidates-only", action="store_true")
    parser.add_argument("--index", action="store_true", help="index add / find instead of dedup")
    parser.add_argument("--repeat", type=int, default=1, help="--index: rounds of add off / on")
    args = parser.parse_args()

    bbc = bbc_docs(args.background)
    pairs = wmt_pairs(args.pairs, args.seed)
    fill = 0 if args.background is not None else args.docs - len(bbc) - 2 * len(pairs)
    background = bbc + generated(bbc, fill, 0)
    sources = [s for s, _ in pairs]
    translations = [t for _, t in pairs]
    mixed = background + sources + translations
    other = sum(1 for lang in document_languages(mixed) if lang != "en")
    print(
        f"corpus: {len(bbc)} BBC + {len(background) - len(bbc)} generated + {len(sources)} WMT"
        f" sources + {len(translations)} translations = {len(mixed)} documents, {other}"
        f" ({other / len(mixed):.1%}) not English"
    )
    if args.index:
        run_index(background + sources, pairs, args.workers, args.repeat)
        return
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

    base_of, base_seconds = run(background + sources, "without translations", args.workers)
    cluster_of, mixed_seconds = run(mixed, "with translations", args.workers)
    for label, where in (("without", base_of), ("with", cluster_of)):
        # a WMT story and a background article in one cluster: a wrong merge
        sets: dict[str, set[bool]] = {}
        for d, c in where.items():
            sets.setdefault(c, set()).add(d.startswith("wmt/"))
        mixed_clusters = sum(1 for v in sets.values() if len(v) == 2)
        print(f"{label} translations: {mixed_clusters} clusters join a WMT story and background")
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

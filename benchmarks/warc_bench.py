"""WARC reading benchmark: records/s and MB/s of a generated crawl, beside the JSONL path.

Usage:
    python benchmarks/warc_bench.py --records 100000
    python benchmarks/warc_bench.py --records 10000 --dedup 10000 --corpus background.jsonl

Generates synthetic news articles (``retold.bench.synth``), or takes the first ``--records``
documents of a JSONL corpus (``--corpus``: the grammar of ``synth`` is too small for a full-mode
dedup, whose embeddings find every document of it alike), and writes them twice: as a crawl
(``crawl.warc.gz``: a request and a response record per page, each its own gzip member, the
article inside a news page, the page layouts of ``retold.bench.warcgen`` taken in turn) and as
the plain ``corpus.jsonl`` of the same texts. Then it times, each in a fresh pass over the file:

- ``jsonl``: ``read_corpus`` on the JSONL (parsing and normalisation only);
- ``warc records``: FastWARC iterating the crawl and reading every record body (no extraction);
- ``warc pages``: ``read_corpus`` on the crawl: the same plus main-text extraction, in one
  process and in ``--workers`` processes (what ``retold dedup crawl.warc.gz`` uses);
- with ``--dedup N``: a full-mode dedup (fast model) of the first N documents of the JSONL and
  of the crawl, the crawl's pages extracted in the reading process alone and in ``--workers``
  extraction processes beside the dedup's own: whether extraction holds the dedup back.

MB/s counts the bytes on disk (compressed for the WARC) and, for the WARC, also the page bytes
decompressed. Times are wall-clock on a shared machine: upper bounds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from retold.bench.synth import SynthConfig, generate
from retold.bench.warcgen import LAYOUTS, article_page, request, response, write_warc
from retold.documents import Document
from retold.engines.workers import default_workers
from retold.readers import SkipLog, read_corpus


def corpus_docs(path: Path, n: int) -> Iterator[Document]:
    with path.open(encoding="utf-8") as f:
        for line in islice(f, n):
            row = json.loads(line)
            yield Document(row["id"], row["text"], published=row.get("published"))


def build(n: int, folder: Path, corpus: Path | None = None) -> int:
    """Write the crawl and the JSONL; return the bytes of the pages, uncompressed."""
    folder.mkdir(parents=True, exist_ok=True)
    page_bytes = 0
    docs = corpus_docs(corpus, n) if corpus else generate(n, SynthConfig(seed=7))
    with (folder / "crawl.warc.gz").open("wb") as w, (folder / "corpus.jsonl").open("w") as j:
        for k, doc in enumerate(docs):
            uri = f"https://news{k % 50}.example/story/{k}"
            page = article_page(doc, layout=LAYOUTS[k % len(LAYOUTS)]).encode("utf-8")
            page_bytes += len(page)
            write_warc([request(uri), response(uri, page)], w)
            j.write(json.dumps({"id": uri, "text": doc.text, "published": doc.published}) + "\n")
    return page_bytes


def timed_read(path: Path, workers: int = 1) -> tuple[int, float, SkipLog]:
    skips = SkipLog()
    t = time.perf_counter()
    n = sum(1 for _ in read_corpus(path, on_skip=skips, workers=workers))
    return n, time.perf_counter() - t, skips


def timed_records(path: Path) -> tuple[int, int, float]:
    from fastwarc.warc import ArchiveIterator

    t = time.perf_counter()
    n = body = 0
    with path.open("rb") as f:
        for record in ArchiveIterator(f, parse_http=True):
            n += 1
            body += len(record.reader.read())
    return n, body, time.perf_counter() - t


def timed_dedup(path: Path, n: int, workers: int, readers: int) -> tuple[int, float, int]:
    from retold.engines.local import run_dedup

    t = time.perf_counter()
    docs = islice(read_corpus(path, on_skip=lambda *a, **k: None, workers=readers), n)
    stats = run_dedup(docs, workers=workers).stats
    return stats["documents"], time.perf_counter() - t, stats["clusters"]


def row(what: str, n: int, unit: str, seconds: float, mb: float, extra: str = "") -> None:
    rate = f"{n / seconds:,.0f} {unit}/s"
    print(
        f"{what:<22} {n:>9,} {unit:<8} {seconds:8.2f} s {rate:>18} {mb / seconds:7.1f} MB/s{extra}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--records", type=int, default=100_000, help="pages in the crawl")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/retold-warc-bench"))
    ap.add_argument("--corpus", type=Path, help="JSONL to take the articles from (id, text)")
    ap.add_argument("--reuse", action="store_true", help="keep the files of an earlier run")
    ap.add_argument("--workers", type=int, default=default_workers(), help="extraction processes")
    ap.add_argument("--dedup", type=int, default=0, metavar="N", help="also time a dedup of N docs")
    args = ap.parse_args()

    warc, jsonl = args.dir / "crawl.warc.gz", args.dir / "corpus.jsonl"
    marker = args.dir / f"built-{args.records}-{args.corpus.name if args.corpus else 'synth'}"
    if args.reuse and marker.exists():
        page_bytes = int(marker.read_text())
    else:
        for old in args.dir.glob("built-*"):
            old.unlink()
        t = time.perf_counter()
        page_bytes = build(args.records, args.dir, args.corpus)
        marker.write_text(str(page_bytes))
        print(
            f"generated {args.records:,} pages in {time.perf_counter() - t:.1f} s", file=sys.stderr
        )
    warc_mb, jsonl_mb, pages_mb = (
        warc.stat().st_size / 1e6,
        jsonl.stat().st_size / 1e6,
        page_bytes / 1e6,
    )
    print(
        f"crawl.warc.gz {warc_mb:.1f} MB ({pages_mb:.1f} MB of pages),"
        f" corpus.jsonl {jsonl_mb:.1f} MB"
    )
    print(f"{'path':<22} {'count':>9} {'unit':<8} {'time':>10} {'rate':>18} {'on disk':>12}")
    n, seconds, _ = timed_read(jsonl)
    row("jsonl", n, "docs", seconds, jsonl_mb)
    n, body, seconds = timed_records(warc)
    row(
        "warc records", n, "records", seconds, warc_mb, f"  {body / 1e6 / seconds:7.1f} MB/s bodies"
    )
    for workers in sorted({1, args.workers}):
        n, seconds, skips = timed_read(warc, workers)
        label = f"warc pages, {workers} proc"
        row(label, n, "pages", seconds, warc_mb, f"  {pages_mb / seconds:7.1f} MB/s pages")
    print(f"skipped: {skips.summary() or 'none'}")
    runs = [(jsonl, 1)] + [(warc, r) for r in sorted({1, args.workers})]
    for path, readers in runs if args.dedup else ():
        n, seconds, clusters = timed_dedup(path, args.dedup, args.workers, readers)
        how = "" if path == jsonl else f", pages extracted in {readers} proc"
        print(
            f"dedup {path.name}: {n:,} docs in {seconds:.1f} s ({n / seconds:,.0f} docs/s),"
            f" {clusters:,} clusters, full mode, {args.workers} workers{how}"
        )


if __name__ == "__main__":
    main()

"""``retold dedup``: every cluster of copies inside one collection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from retold.cli.engine_options import engine_options
from retold.cli.options import DEFAULT_READ_OPTIONS, corpus_options, model_option, quiet_option
from retold.errors import ConfigError, InputError


@click.command("dedup")
@click.argument("corpus")
@click.option(
    "-o",
    "--output",
    required=True,
    help="Where to write the clusters (clusters.jsonl, or .parquet with --format parquet); "
    "with --engine ray also an fsspec URL such as s3://bucket/clusters.jsonl.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "parquet"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one cluster a line; parquet: one (cluster, member) a row.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=0.5,
    show_default=True,
    help="Word 5-gram Jaccard the MinHash LSH bands are tuned for (lexical candidates).",
)
@click.option(
    "--lexical-only",
    is_flag=True,
    help="MinHash and identical-sentence candidates verified by wording alone: fastest, no "
    "model, misses paraphrased rewrites.",
)
@model_option
@corpus_options
@quiet_option
@engine_options
def command(
    corpus: str,
    output: str,
    fmt: str,
    threshold: float,
    lexical_only: bool,
    model: str,
    read_options: dict[str, Any],
    quiet: bool,
    engine: str,
    address: str | None,
    num_cpus: int | None,
    work_dir: str | None,
) -> None:
    """Find every copy inside CORPUS and write clusters: source, copies, verdicts, alignments.

    CORPUS is a folder of .txt/.html/.md files, a JSONL, Parquet, CSV or WARC file, or a
    folder or quoted glob of such shards. Records hold id, text and optional title, url,
    published, source (other column names: --id-field, --text-field, ...). Each cluster's
    source is its earliest published member, else the text that covers the others.

    \b
    Example:
      retold dedup articles/ -o clusters.jsonl
      retold dedup articles.jsonl -o clusters.parquet --format parquet --lexical-only
      retold dedup crawl.jsonl -o clusters.jsonl --work-dir work/   # rerun to resume
      retold dedup 'crawl/*.warc.gz' -o clusters.jsonl
      retold dedup dump/ -o clusters.jsonl --id-field doc_id --text-field body
      retold dedup articles.jsonl -o clusters.jsonl --engine ray --address auto
    """
    from retold.cli.engine_options import run_engine
    from retold.cli.progress import WarningSkips, opened, progress_for
    from retold.collection.fingerprints import LSHConfig, MinHashConfig
    from retold.engines.local import DedupConfig, write_clusters
    from retold.engines.workers import default_workers
    from retold.readers import count_documents, read_corpus

    minhash = MinHashConfig()
    cfg = DedupConfig(
        minhash=minhash,
        lsh=LSHConfig(threshold=threshold, num_perm=minhash.num_perm),
        model=model,
        lexical_only=lexical_only,
    )
    remote = [arg for arg in (corpus, output) if "://" in arg]
    if remote and engine != "ray":
        raise InputError(f"{remote[0]} is a URL: URLs need --engine ray (extra 'ray')")
    if engine == "ray" and read_options != DEFAULT_READ_OPTIONS:
        raise ConfigError(
            "--engine ray reads the standard columns only: rename the columns to id, text,"
            " title, url, published, source (and keep --max-bytes at its default), or use the"
            " local engine"
        )
    skips = WarningSkips(quiet)
    # WARC pages are extracted in as many processes as the per-document stage uses
    readers = num_cpus or default_workers()
    result = run_engine(
        engine,
        corpus=str(corpus),
        config=cfg,
        output=str(output),
        documents=lambda: opened(
            read_corpus(Path(corpus), on_skip=skips, workers=readers, **read_options)
        ),
        progress=progress_for(quiet),
        on_skip=skips,
        address=address,
        num_cpus=num_cpus,
        work_dir=work_dir,
        total=None if engine != "local" or quiet else count_documents(Path(corpus)),
    )
    if "://" in output:
        from retold.engines.ray import write_clusters_to

        write_clusters_to(result.records, output, fmt)
    else:
        write_clusters(result.records, output, fmt)
    if not quiet:
        _summary(result, output, skips.summary())


def _summary(result: object, output: str, skipped: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from retold.engines.local import DedupResult

    assert isinstance(result, DedupResult)
    console = Console(stderr=True, highlight=False)
    s = result.stats
    console.print(
        f"{s['documents']:,} documents, {s['candidates']:,} candidate pairs verified, "
        f"{s['clusters']:,} clusters holding {s['clustered_documents']:,} documents"
        f" -> {output}",
        markup=False,
    )
    if skipped:
        console.print(skipped, markup=False, soft_wrap=True)
    counts = result.verdict_counts()
    if counts:
        table = Table(title="Copies by verdict", title_justify="left")
        table.add_column("verdict")
        table.add_column("copies", justify="right")
        for verdict, n in counts.items():
            table.add_row(verdict, f"{n:,}")
        console.print(table)
    if result.records:
        table = Table(title="Biggest clusters", title_justify="left")
        for col in ("cluster", "size", "source", "title", "verdicts"):
            table.add_column(col, justify="right" if col in ("cluster", "size") else "left")
        for rec in result.records[:10]:
            src = rec["members"][0]
            verdicts: dict[str, int] = {}
            for m in rec["members"][1:]:
                verdicts[m["verdict"]] = verdicts.get(m["verdict"], 0) + 1
            table.add_row(
                str(rec["cluster"]),
                str(rec["size"]),
                rec["source"],
                (src["title"] or "")[:50],
                ", ".join(f"{n} {v}" for v, n in verdicts.items()),
            )
        console.print(table)

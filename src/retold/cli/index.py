"""``retold index add|info``: build and grow an on-disk index of articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from retold.cli.options import corpus_options, model_option, quiet_option


@click.group("index")
def command() -> None:
    """Build and grow an on-disk index (SQLite + vectors, no server) for `retold find`.

    \b
    Example:
      retold index add articles/ --index news.idx
      retold index add tomorrow.jsonl --index news.idx
      retold index info --index news.idx
    """


_index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The index folder (created by the first `add`).",
)


@command.command("add")
@click.argument("corpus", type=click.Path(path_type=Path))
@_index_option
@model_option
@click.option(
    "--num-cpus",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes that segment and embed new articles (default: all CPUs).",
)
@corpus_options
@quiet_option
def add(
    corpus: Path,
    index_dir: Path,
    model: str,
    num_cpus: int | None,
    read_options: dict[str, Any],
    quiet: bool,
) -> None:
    """Add the articles of CORPUS that the index does not hold yet.

    Ids already present with the same text are skipped silently; with a different text they
    are skipped with a warning. An interrupted add is safe to run again. --model applies when
    the index is created; later adds use the index's model.

    \b
    Example:
      retold index add articles/ --index news.idx
      retold index add 'crawl/*.warc.gz' --index news.idx
      retold index add dump.parquet --index news.idx --id-field doc_id --text-field body
    """
    from rich.console import Console

    from retold.cli.progress import WarningSkips, opened, progress_for
    from retold.engines.workers import default_workers
    from retold.index import IndexConfig, IndexStore
    from retold.readers import read_corpus

    skips = WarningSkips(quiet)
    workers = num_cpus or default_workers()
    docs = opened(read_corpus(corpus, on_skip=skips, workers=workers, **read_options))
    with IndexStore.open(index_dir, create=True, config=IndexConfig(model=model)) as store:
        report = store.add(
            docs,
            workers=workers,
            on_skip=skips,
            progress=progress_for(quiet),
        )
        total = store.count()
    if not quiet:
        console = Console(stderr=True, highlight=False)
        console.print(
            f"added {report.added:,}, already present {report.unchanged:,}, conflicting ids"
            f" {report.conflicting:,}; the index holds {total:,} documents",
            markup=False,
        )
        if skips.total:
            console.print(skips.summary(), markup=False)


@command.command("info")
@_index_option
def info(index_dir: Path) -> None:
    """Print counts and parameters of an index as JSON.

    \b
    Example:
      retold index info --index news.idx
    """
    from retold.index import IndexStore

    with IndexStore.open(index_dir, readonly=True) as store:
        click.echo(json.dumps(store.info(), indent=2))

"""``retold find``: the sources of an article (or of a folder of them) in an index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from retold.cli.options import corpus_options, quiet_option

if TYPE_CHECKING:
    from retold.index import Match


@click.command("find")
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The index folder made by `retold index add`.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for the terminal; json: one object a line per article.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Most sources listed per article.",
)
@corpus_options
@quiet_option
def command(
    articles: tuple[Path, ...],
    index_dir: Path,
    fmt: str,
    top: int,
    read_options: dict[str, Any],
    quiet: bool,
) -> None:
    """Find the sources of each ARTICLE (a file, or any collection `dedup` reads) in an index.

    Each source comes with its verdict, coverage of both texts, direction and the sentence
    alignment (json).

    \b
    Example:
      retold find story.txt --index news.idx
      retold find inbox/ --index news.idx --format json > sources.jsonl
      retold find today.warc.gz --index news.idx
    """
    from retold.cli.progress import WarningSkips
    from retold.index import IndexStore, find_sources
    from retold.pair.compare import Comparer
    from retold.readers import is_collection, read_corpus, read_document

    skips = WarningSkips(quiet)
    with IndexStore.open(index_dir, readonly=True) as store:
        comparer = Comparer(store.embedder)
        for path in articles:
            queries = (
                read_corpus(path, on_skip=skips, **read_options)
                if is_collection(path)
                else [read_document(path, max_bytes=read_options["max_bytes"])]
            )
            for q in queries:
                matches = find_sources(store, q, comparer, top=top)
                if fmt == "json":
                    click.echo(
                        json.dumps(
                            {
                                "id": q.id,
                                "sources": [
                                    {
                                        "id": m.document.id,
                                        "title": m.document.title,
                                        "published": m.document.published,
                                        "url": m.document.url,
                                        "signals": list(m.signals),
                                        **m.comparison.to_dict(include_text=False),
                                    }
                                    for m in matches
                                ],
                            },
                            ensure_ascii=False,
                        )
                    )
                else:
                    _text(q.id, matches)


def _text(qid: str, matches: list[Match]) -> None:
    if not matches:
        click.echo(f"{qid}: no sources found")
        return
    click.echo(f"{qid}: {len(matches)} source{'s' if len(matches) != 1 else ''}")
    for m in matches:
        c = m.comparison
        d = c.direction
        who = {"a": "the stored text is the source", "b": "the article is the source"}.get(
            d.source or "", "direction unknown"
        )
        verdict = (
            f"{c.verdict} (translated {c.language_a} → {c.language_b})"
            if c.translated
            else c.verdict
        )
        click.echo(
            f"  {m.document.id}  {verdict}  covers {c.coverage_b:.0%} of the article,"
            f" {c.coverage_a:.0%} of the source; {len(c.alignment.links)} links; {who}"
            f" ({d.reason})"
        )

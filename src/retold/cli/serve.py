"""``retold serve``: browse clusters, pairs side by side and source checks in a local web app."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from retold.cli.options import DEFAULT_READ_OPTIONS, corpus_options, model_option
from retold.errors import ConfigError, MissingDependencyError

if TYPE_CHECKING:
    from retold.viewer.store import Store


@click.command(name="serve")
@click.argument(
    "clusters", required=False, type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="An index built by `retold index add` (opened read-only).",
)
@click.option(
    "--corpus",
    type=click.Path(path_type=Path),
    help="The corpus the clusters file was made from (anything `retold dedup` reads).",
)
@click.option(
    "--host",
    default=None,
    metavar="HOST",
    help="Address to listen on [default: 127.0.0.1]. Anything but loopback must be named here.",
)
@click.option(
    "-p",
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the viewer in a web browser.")
@click.option(
    "--cache",
    type=click.IntRange(1, 100_000),
    default=256,
    show_default=True,
    help="Pair comparisons kept in memory.",
)
@model_option
@corpus_options
@click.pass_context
def command(
    ctx: click.Context,
    clusters: Path | None,
    index_dir: Path | None,
    corpus: Path | None,
    host: str | None,
    port: int,
    open_browser: bool,
    cache: int,
    model: str,
    read_options: dict[str, Any],
) -> None:
    """Browse copies, clusters and sentence alignments in a local web viewer.

    Serves the clusters file written by `retold dedup` (.jsonl or .parquet, with the corpus it
    came from), or an index. Every page has a JSON twin (add .json to its path; see /api).
    The viewer listens on 127.0.0.1 only, unless --host names another address; it never
    writes to its inputs.

    \b
    Example:
      retold dedup articles/ -o clusters.jsonl
      retold serve clusters.jsonl --corpus articles/ -p 0 --open
      retold serve clusters.jsonl --corpus 'crawl/*.warc.gz'
      retold serve --index my-index/
    """
    if importlib.util.find_spec("starlette") is None or importlib.util.find_spec("uvicorn") is None:
        raise MissingDependencyError("retold serve", "serve")
    from retold.viewer.app import LOOPBACK_HOSTS, create_app
    from retold.viewer.server import DEFAULT_HOST, banner, bind, check_host, serve

    # only a --host typed on the command line counts as asking for it (not an env default)
    source = ctx.get_parameter_source("host")
    explicit = host is not None and source == click.core.ParameterSource.COMMANDLINE
    chosen = host if host is not None else DEFAULT_HOST
    check_host(chosen, explicit=explicit)
    store = _open_store(clusters, index_dir, corpus, read_options)
    allowed = None if explicit and chosen not in LOOPBACK_HOSTS else LOOPBACK_HOSTS
    # an index compares with its own model and stored sentence vectors
    pair_fn = getattr(store, "compare", None)
    app = create_app(store, pair_fn=pair_fn, model=model, cache_size=cache, allowed_hosts=allowed)
    app.state.viewer.warm()
    prepare = getattr(store, "prepare", None)
    if callable(prepare):
        # the word index for search and /check builds while the first pages are served
        threading.Thread(target=prepare, name="retold-viewer-index", daemon=True).start()
    sock = bind(chosen, port)
    first, *warnings = banner(sock, store.description)
    click.echo(first)
    for line in warnings:
        click.echo(line, err=True)
    serve(app, sock, open_browser=open_browser)


def _open_store(
    clusters: Path | None,
    index_dir: Path | None,
    corpus: Path | None,
    read_options: dict[str, Any] | None = None,
) -> Store:
    from retold.viewer.store import MemoryStore

    if index_dir is not None:
        from retold.viewer.indexstore import open_index_store

        if corpus is not None:
            raise ConfigError("--corpus and --index exclude each other: the index holds the texts")
        if read_options not in (None, DEFAULT_READ_OPTIONS):
            raise ConfigError(
                "--id-field, --text-field, ... and --max-bytes apply to --corpus: the index"
                " already holds its texts"
            )
        return open_index_store(index_dir, clusters)
    if clusters is None and corpus is None:
        raise ConfigError(
            "nothing to serve: pass the clusters file of `retold dedup` with --corpus, "
            "or --index DIR"
        )
    return MemoryStore.from_files(clusters, corpus, read_options=read_options)

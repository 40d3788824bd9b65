"""``--engine local|ray`` and the Ray options of ``retold dedup``, and the dispatch between them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

ENGINES = ("local", "ray")


def engine_options(f: F) -> F:
    """``--engine``, ``--address``, ``--num-cpus`` and ``--work-dir``."""
    f = click.option(
        "--work-dir",
        default=None,
        metavar="PATH|URL",
        help="Finished stages and batches, reused by a rerun after a crash or kill (default: "
        "OUTPUT.work, which the local engine removes after a successful run; on a Ray cluster, "
        "a path or s3://, gs:// URL every node can reach).",
    )(f)
    f = click.option(
        "--num-cpus",
        type=click.IntRange(min=1),
        default=None,
        help="CPUs to use (default: all): local engine, worker processes that segment and "
        "embed; Ray engine, CPUs of the local Ray instance (ignored with --address).",
    )(f)
    f = click.option(
        "--address",
        default=None,
        metavar="ADDRESS",
        help="Ray engine: cluster to join, e.g. ray://head:10001 or auto (default: start one).",
    )(f)
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="local",
        show_default=True,
        help="local: this process; ray: Ray Data and actors, on this machine or a cluster "
        "(extra 'ray').",
    )(f)


def run_engine(
    engine: str,
    *,
    corpus: str,
    config: Any,
    output: str,
    documents: Callable[[], Iterable[Any]] | None = None,
    progress: Any = None,
    on_skip: Callable[[str, str], None] | None = None,
    address: str | None = None,
    num_cpus: int | None = None,
    work_dir: str | None = None,
    total: int | None = None,
) -> Any:
    """Run a dedup on the chosen engine and return its ``DedupResult``.

    Args:
        engine: ``local`` or ``ray``.
        corpus: Path or URL of the collection (the Ray engine reads it itself).
        config: The ``DedupConfig``.
        output: Where the clusters go (the default work directory sits beside it).
        documents: Local engine: a callable returning the documents (e.g. ``read_corpus``).
        progress: Local engine: progress reporter.
        on_skip: Called for each record the reader skips (Ray engine) and each document too
            long to compare (local engine).
        address: Ray engine: cluster address; None starts a local instance.
        num_cpus: CPUs to use: local worker processes, or the CPUs of a local Ray instance.
        work_dir: Saved stages for a rerun (default ``OUTPUT.work``; the local engine removes
            the default folder after a successful run).
        total: Local engine: documents to expect, for the progress bar (None: unknown).

    Raises:
        MissingDependencyError: ``ray`` was chosen and the extra is not installed.
        ConfigError: Unknown engine.
    """
    from retold.errors import ConfigError

    if engine == "local":
        import shutil

        from retold.engines.local import run_dedup
        from retold.engines.workers import default_workers

        docs: Iterable[Any]
        if documents is None:
            from retold.readers import read_corpus

            docs = read_corpus(corpus, on_skip=on_skip)
        else:
            docs = documents()
        result = run_dedup(
            docs,
            config,
            progress,
            workers=num_cpus or default_workers(),
            work_dir=work_dir or f"{output}.work",
            on_skip=on_skip,
            total=total,
        )
        if work_dir is None:  # the default folder only serves a rerun after a failure
            shutil.rmtree(f"{output}.work", ignore_errors=True)
        return result
    if engine == "ray":
        from retold.engines.ray import RayConfig, require_ray, run_ray_dedup

        require_ray()
        ray_config = RayConfig(
            work_dir=work_dir or f"{output}.work",
            address=address,
            num_cpus=num_cpus,
            dedup=config,
        )
        return run_ray_dedup(str(corpus), ray_config, on_skip=on_skip)
    raise ConfigError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")

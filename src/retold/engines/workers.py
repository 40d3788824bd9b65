"""Worker processes for the local engine: a spawned pool whose workers hold the model.

Each worker loads the embedding model (if any) once, with its native thread pools sized so
that the workers together use the machine's CPUs. The stages submit plain functions of this
module's callers; results come back through futures, in the order the caller collects them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from retold.collection.verify import LexicalComparer, PairComparer
from retold.models import Embedder

_EMBEDDER: Embedder | None = None
_COMPARER: PairComparer | None = None


def default_workers() -> int:
    """CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _init_worker(model: str | None, threads: int) -> None:
    """Load the model once per worker; keep each worker's native thread pools small."""
    global _EMBEDDER
    os.environ["RAYON_RS_NUM_CPUS"] = str(threads)  # the tokenizers library's pool
    os.environ["TOKENIZERS_PARALLELISM"] = "true" if threads > 1 else "false"
    if model is None:
        return
    from retold.models import get_embedder

    if model == "accurate":
        import torch

        torch.set_num_threads(threads)
    _EMBEDDER = get_embedder(model)


def worker_embedder() -> Embedder | None:
    """The model of this worker process (None for lexical-only pools)."""
    return _EMBEDDER


def worker_comparer() -> PairComparer:
    """The verifier of this worker: the full comparer with a model, else the lexical one."""
    global _COMPARER
    if _COMPARER is None:
        if _EMBEDDER is None:
            _COMPARER = LexicalComparer()
        else:
            from retold.pair.compare import Comparer

            _COMPARER = Comparer(_EMBEDDER)
    return _COMPARER


@contextmanager
def spawn_pool(workers: int, model: str | None) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` spawned processes holding ``model``; pending work is cancelled
    if the caller fails."""
    import multiprocessing

    threads = max(1, default_workers() // workers)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(model, threads),
    )
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)

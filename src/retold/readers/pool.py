"""Processes that extract page text for the readers, gone with their parent even after kill -9."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


def _init(parent: int, from_main: bool) -> None:
    from retold.engines.workers import exit_with_parent

    # the kernel's parent-death signal follows the spawning thread: only arm it from main
    exit_with_parent(parent, kernel_signal=from_main)


@contextmanager
def extraction_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A spawned pool of ``workers`` processes; pending work is cancelled when the reader stops.

    The reader can stop early (the consumer closes it, or fails): the pool is shut down either
    way, so no worker outlives the read.
    """
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init,
        initargs=(os.getpid(), threading.current_thread() is threading.main_thread()),
    )
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

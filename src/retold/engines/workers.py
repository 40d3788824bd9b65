"""Worker processes for the local engine: a spawned pool whose workers hold the model.

Each worker loads the embedding model (if any) once, with its native thread pools sized so
that the workers together use the machine's CPUs. The stages submit plain functions of this
module's callers; results come back through futures, in the order the caller collects them.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
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


PARENT_POLL_SECONDS = 0.5


def exit_with_parent(parent: int, *, kernel_signal: bool = True) -> None:
    """End this process when ``parent`` dies, even by kill -9 (which runs no clean-up there).

    On Linux the kernel sends SIGKILL at the parent's death (``PR_SET_PDEATHSIG``, asked for
    with ``kernel_signal``); everywhere a daemon thread also polls the parent's id, which
    changes once the process is re-parented. Without this, workers of a killed run (each
    holding a model) stay alive forever.
    """
    if kernel_signal and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the polling thread below still covers it
    if os.getppid() != parent:  # died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="retold-parent-watch", daemon=True).start()


def _init_worker(
    model: str | None, threads: int, parent: int | None = None, from_main: bool = False
) -> None:
    """Load the model once per worker; keep each worker's native thread pools small."""
    global _EMBEDDER
    # Ctrl-C reaches the whole process group: the parent stops the pool, so a worker must not
    # die mid-task with a traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        # the kernel signal fires when the spawning *thread* ends, so it is only safe for
        # pools started from the main thread
        exit_with_parent(parent, kernel_signal=from_main)
    os.environ["RAYON_RS_NUM_CPUS"] = str(threads)  # the tokenizers library's pool
    os.environ["TOKENIZERS_PARALLELISM"] = "true" if threads > 1 else "false"
    if model is None:
        return
    from retold.models import get_embedder

    if model == "accurate":
        from retold.models.onnx import set_threads

        set_threads(threads)
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
    from_main = threading.current_thread() is threading.main_thread()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(model, threads, os.getpid(), from_main),
    )
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)

"""Peak memory of a block of code, by sampling the process's resident set size.

tracemalloc slows numpy-heavy code down by an order of magnitude and misses memory allocated
outside Python; sampling RSS from a thread costs almost nothing. Without psutil, the peak falls
back to ``resource.getrusage`` (the process's lifetime peak, so only growth is seen).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from types import TracebackType


def _rss_reader(children: bool = False) -> tuple[object, bool]:
    try:
        import psutil

        proc = psutil.Process(os.getpid())
        if children:
            return (lambda: _tree_rss(proc)), True
        return (lambda: proc.memory_info().rss), True
    except ImportError:
        import resource

        # ru_maxrss is in KiB on Linux
        return (lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024), False


def _tree_rss(proc: object) -> int:
    """RSS of a process and its children (shared pages count once per process: an upper
    bound on what the tree holds)."""
    import psutil

    total = 0
    for p in [proc, *proc.children(recursive=True)]:  # type: ignore[attr-defined]
        with contextlib.suppress(psutil.Error):  # a worker that just exited
            total += p.memory_info().rss
    return total


class PeakMemory:
    """Context manager measuring wall time, RSS at start and peak RSS during the block.

    With ``children=True`` the RSS of worker processes is added to the process's own.

    Example:
        >>> with PeakMemory() as m:
        ...     block = bytearray(50_000_000)
        >>> m.peak_mb >= m.start_mb, m.seconds >= 0
        (True, True)
    """

    def __init__(self, interval: float = 0.005, children: bool = False) -> None:
        self.interval = interval
        read, self.sampled = _rss_reader(children)
        self._read = read
        self.start_bytes = self.peak_bytes = 0
        self.seconds = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_bytes = max(self.peak_bytes, self._read())  # type: ignore[operator]

    def __enter__(self) -> PeakMemory:
        self.start_bytes = self.peak_bytes = self._read()  # type: ignore[operator]
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        self._t0 = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.seconds = time.perf_counter() - self._t0
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak_bytes = max(self.peak_bytes, self._read())  # type: ignore[operator]

    @property
    def start_mb(self) -> float:
        return self.start_bytes / 2**20

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / 2**20

    @property
    def growth_mb(self) -> float:
        """Peak above the level at the start: memory this block needed."""
        return (self.peak_bytes - self.start_bytes) / 2**20

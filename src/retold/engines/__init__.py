"""Engines run the same stage functions; they differ only in where the work happens.

``local`` runs every stage in this process. Stages are pure functions over typed batches
(``retold.engines.local.prepare_batch``, ``embed_batch``, ``find_candidates``, ``verify``,
``build_clusters``), so another engine can schedule them elsewhere without changing results.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol


class Task(Protocol):
    """A unit of progress reporting."""

    def advance(self, n: int = 1) -> None: ...


class Progress(Protocol):
    """Where engines report progress: ``with progress.task("embed", total) as t: t.advance(n)``."""

    def task(self, name: str, total: int | None = None) -> Any: ...


class _NullTask:
    def advance(self, n: int = 1) -> None:
        return None


class NullProgress:
    """Reports nothing (``--quiet`` and library use)."""

    @contextmanager
    def task(self, name: str, total: int | None = None) -> Iterator[_NullTask]:
        yield _NullTask()


__all__ = ["NullProgress", "Progress", "Task"]

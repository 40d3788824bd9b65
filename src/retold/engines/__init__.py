"""Engines run the same stage functions; they differ only in where the work happens.

``local`` runs every stage on this machine (worker processes for the per-document stage and
verification); ``ray`` runs them on a Ray cluster. Stages are pure functions over typed
batches (``retold.engines.prepare.prepare_batch``, ``embed_batch``,
``retold.engines.local.find_candidates``, ``retold.collection.verify.verify``,
``retold.collection.cluster.build_clusters``), so an engine can schedule them anywhere without
changing results.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter).

    Example:
        >>> list(batched(range(5), 2))
        [[0, 1], [2, 3], [4]]
    """
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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


__all__ = ["NullProgress", "Progress", "Task", "batched"]

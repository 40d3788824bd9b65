"""Rich progress bars on stderr (rate and ETA), and the skipped-input report of long commands."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from retold.documents import Document
from retold.engines import NullProgress


class _Task:
    def __init__(self, bar: Progress, task_id: int) -> None:
        self._bar, self._id = bar, task_id

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._id, n)  # type: ignore[arg-type]
        speed = self._bar.tasks[0].speed
        self._bar.update(self._id, rate=f"{speed:,.0f}/s" if speed else "")  # type: ignore[arg-type]


class RichProgress:
    """One bar per stage: count, rate per second, elapsed and remaining time."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)

    @contextmanager
    def task(self, name: str, total: int | None = None) -> Iterator[_Task]:
        columns = (
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=self.console, transient=False) as bar:
            task_id = bar.add_task(name, total=total, rate="")
            yield _Task(bar, task_id)


def progress_for(quiet: bool) -> RichProgress | NullProgress:
    """Bars unless ``--quiet``."""
    return NullProgress() if quiet else RichProgress()


class WarningSkips:
    """Counts skipped inputs and prints one ``warning:`` line per skip on stderr."""

    def __init__(self, quiet: bool = False) -> None:
        from retold.readers import SkipLog

        self.log = SkipLog()
        self.quiet = quiet
        self.console = Console(stderr=True, highlight=False)

    def __call__(self, location: str, reason: str, count: int | None = None) -> None:
        self.log(location, reason, count)
        if not self.quiet:
            what = (
                location if count is None else f"{count:,} record{'s' * (count != 1)} of {location}"
            )
            self.console.print(f"warning: skipped {what}: {reason}", markup=False, soft_wrap=True)

    @property
    def total(self) -> int:
        return self.log.total

    def summary(self) -> str:
        return self.log.summary()


def opened(documents: Iterator[Document]) -> Iterator[Document]:
    """Read the first document now, so a missing or unreadable collection fails before any bar."""
    first = next(documents, None)
    if first is None:
        return iter(())
    return itertools.chain([first], documents)

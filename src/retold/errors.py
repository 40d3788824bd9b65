"""Errors raised by retold. The CLI prints them as one line ``Error: ...`` and exits non-zero."""

from __future__ import annotations


class RetoldError(Exception):
    """Base class of every error retold raises on purpose."""

    exit_code: int = 1


class InputError(RetoldError):
    """The input cannot be read or used: missing, empty, binary, undecodable or too large."""

    exit_code = 2


class ConfigError(RetoldError):
    """A parameter is out of range or options contradict each other."""

    exit_code = 2


class MissingDependencyError(RetoldError):
    """An optional extra is needed; the message names the exact ``pip install`` to run."""

    exit_code = 3

    def __init__(self, what: str, extra: str) -> None:
        super().__init__(f"{what} needs the '{extra}' extra: pip install 'retold[{extra}]'")
        self.extra = extra


class IndexStateError(RetoldError):
    """The on-disk index is missing, locked, from another version or damaged."""

    exit_code = 4

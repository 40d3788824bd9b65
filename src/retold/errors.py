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


class OutputError(RetoldError):
    """A result, work file or index cannot be written: no space left, read-only, no access."""

    exit_code = 5


def write_error(path: object, exc: BaseException) -> OutputError:
    """The one-line ``OutputError`` for a failed write of ``path``.

    Example:
        >>> import errno
        >>> str(write_error("out.jsonl", OSError(errno.ENOSPC, "No space left on device")))
        'no space left on device at out.jsonl: free some space and run the same command again'
    """
    import errno

    code = getattr(exc, "errno", None)
    text = str(exc).lower()
    if code in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in text or "no space" in text:
        return OutputError(
            f"no space left on device at {path}: free some space and run the same command again"
        )
    if code == errno.EROFS:
        return OutputError(f"{path} is on a read-only file system: write somewhere else")
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return OutputError(f"cannot write {path}: {reason}")

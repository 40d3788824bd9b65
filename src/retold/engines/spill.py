"""Documents and sentence vectors kept on disk while a dedup run needs them.

A million articles hold ~3 GB of text and ~10 GB of float16 sentence vectors: more than a
laptop should keep in memory through the whole run. The per-document stage appends each
finished batch here and lets it go; the later stages read back only what they touch (the
documents and vectors of candidate pairs). Reads go through ``os.pread`` into fresh arrays
rather than a memory map, so pages read once are the page cache's, not the process's.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from collections.abc import Sequence as SequenceABC
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from retold.documents import Document
from retold.errors import write_error


def _scratch(folder: Path) -> IO[bytes]:
    """An unnamed file in ``folder``, removed when it is closed (or the process ends)."""
    try:
        return tempfile.TemporaryFile(dir=folder)
    except OSError as exc:
        raise write_error(folder, exc) from None


def _write_all(fd: int, data: bytes, offset: int, folder: Path) -> None:
    view = memoryview(data)
    try:
        while view:
            n = os.pwrite(fd, view, offset)
            view, offset = view[n:], offset + n
    except OSError as exc:
        raise write_error(folder, exc) from None


def _read_all(fd: int, size: int, offset: int) -> bytes:
    data = os.pread(fd, size, offset)
    if len(data) == size:
        return data
    parts = [data]  # a read larger than the system gives at once comes in parts
    got = len(data)
    while got < size:
        more = os.pread(fd, size - got, offset + got)
        if not more:
            raise OSError(f"spill file ended {size - got} bytes early")
        parts.append(more)
        got += len(more)
    return b"".join(parts)


class DocumentFile(SequenceABC[Document]):
    """Documents appended batch by batch, read back by position.

    Example:
        >>> f = DocumentFile()
        >>> f.extend([Document("a", "One."), Document("b", "Two.")])
        >>> len(f), f[1].id, [d.id for d in f]
        (2, 'b', ['a', 'b'])
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self._folder = Path(folder) if folder is not None else Path(tempfile.gettempdir())
        self._file = _scratch(self._folder)
        self._fd = self._file.fileno()
        self._ends: list[int] = []
        self._size = 0

    def extend(self, docs: Sequence[Document]) -> None:
        """Append ``docs`` (written at once; the objects can then be dropped)."""
        blobs = [pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL) for d in docs]
        _write_all(self._fd, b"".join(blobs), self._size, self._folder)
        for b in blobs:
            self._size += len(b)
            self._ends.append(self._size)

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> Document:  # type: ignore[override]
        if i < 0:
            i += len(self._ends)
        start = self._ends[i - 1] if i > 0 else 0
        doc: Document = pickle.loads(_read_all(self._fd, self._ends[i] - start, start))
        return doc

    def __iter__(self) -> Iterator[Document]:
        chunk = 4096
        for s in range(0, len(self._ends), chunk):
            e = min(len(self._ends), s + chunk)
            lo = self._ends[s - 1] if s > 0 else 0
            data = _read_all(self._fd, self._ends[e - 1] - lo, lo)
            prev = lo
            for k in range(s, e):
                yield pickle.loads(data[prev - lo : self._ends[k] - lo])
                prev = self._ends[k]

    def close(self) -> None:
        self._file.close()


class VectorFile:
    """Rows of a float16 matrix appended block by block, read back by row range.

    Example:
        >>> v = VectorFile(dim=2)
        >>> v.append(np.array([[1, 0], [0, 1]], dtype=np.float16))
        >>> v.append(np.array([[1, 1]], dtype=np.float16))
        >>> len(v), v.rows(1, 3).tolist()
        (3, [[0.0, 1.0], [1.0, 1.0]])
    """

    def __init__(self, dim: int, folder: str | Path | None = None) -> None:
        self.dim = dim
        self._folder = Path(folder) if folder is not None else Path(tempfile.gettempdir())
        self._file = _scratch(self._folder)
        self._fd = self._file.fileno()
        self._rows = 0
        self._row_bytes = 2 * dim

    @property
    def shape(self) -> tuple[int, int]:
        return self._rows, self.dim

    def __len__(self) -> int:
        return self._rows

    def append(self, block: npt.NDArray[np.float16]) -> None:
        """Append rows (float16, ``dim`` wide)."""
        data = np.ascontiguousarray(block, dtype=np.float16)
        if data.ndim != 2 or data.shape[1] != self.dim:
            raise ValueError(f"expected rows of width {self.dim}, got shape {data.shape}")
        _write_all(self._fd, data.tobytes(), self._rows * self._row_bytes, self._folder)
        self._rows += len(data)

    def rows(self, lo: int, hi: int) -> npt.NDArray[np.float16]:
        """Rows ``lo`` to ``hi`` (a new array)."""
        lo, hi = max(0, int(lo)), min(self._rows, int(hi))
        if hi <= lo:
            return np.zeros((0, self.dim), dtype=np.float16)
        data = _read_all(self._fd, (hi - lo) * self._row_bytes, lo * self._row_bytes)
        return np.frombuffer(data, dtype=np.float16).reshape(hi - lo, self.dim).copy()

    def __getitem__(self, key: slice) -> npt.NDArray[np.float16]:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("VectorFile takes a slice of rows")
        lo, hi, _ = key.indices(self._rows)
        return self.rows(lo, hi)

    def close(self) -> None:
        self._file.close()

"""Documents and vectors spilled to disk read back as they were written."""

from __future__ import annotations

import errno
import os

import numpy as np
import pytest

from retold.documents import Document
from retold.engines.spill import DocumentFile, VectorFile
from retold.errors import OutputError


def test_documents_read_back_by_position_and_in_order(tmp_path: object) -> None:
    docs = [
        Document(f"d{k}", "Text " * k + "\ud800 end", title="T", url=None, published="2024-01-02")
        for k in range(10_000)
    ]
    f = DocumentFile(tmp_path)  # type: ignore[arg-type]
    f.extend(docs[:3])
    f.extend(docs[3:])
    assert len(f) == len(docs)
    assert f[0] == docs[0] and f[4097] == docs[4097] and f[-1] == docs[-1]
    assert list(f) == docs
    assert os.listdir(tmp_path) == []  # type: ignore[arg-type]  # an unnamed file


def test_vector_rows_read_back_by_range() -> None:
    rng = np.random.default_rng(0)
    blocks = [rng.standard_normal((n, 8)).astype(np.float16) for n in (0, 5, 1, 300)]
    v = VectorFile(dim=8)
    for b in blocks:
        v.append(b)
    whole = np.concatenate(blocks)
    assert v.shape == whole.shape
    assert np.array_equal(v[0:306], whole) and np.array_equal(v[5:7], whole[5:7])
    assert v[300:999].shape == (6, 8) and v[4:4].shape == (0, 8)
    with pytest.raises(ValueError, match="width 8"):
        v.append(np.zeros((2, 3), dtype=np.float16))


def test_a_full_disk_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    f = DocumentFile()

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "pwrite", full)
    with pytest.raises(OutputError, match="no space left on device"):
        f.extend([Document("a", "One.")])

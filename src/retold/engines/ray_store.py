"""Stage files of the Ray engine: atomic Parquet parts, stage markers, shard look-ups."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from retold.documents import Document
from retold.segment import segment


class Store:
    """Stage files under a work directory, written atomically (temporary name, then rename)."""

    def __init__(self, url: str) -> None:
        import fsspec

        self.url = url
        self.fs, self.root = fsspec.core.url_to_fs(url)

    def path(self, *parts: str) -> str:
        return "/".join([self.root.rstrip("/"), *parts])

    def exists(self, *parts: str) -> bool:
        return bool(self.fs.exists(self.path(*parts)))

    def write_table(self, table: pa.Table, *parts: str) -> None:
        final = self.path(*parts)
        tmp = f"{final}.{uuid.uuid4().hex}.tmp"
        self.fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
        with self.fs.open(tmp, "wb") as f:
            pq.write_table(table, f)
        self.fs.mv(tmp, final)

    def read_table(self, *parts: str) -> pa.Table:
        with self.fs.open(self.path(*parts), "rb") as f:
            return pq.read_table(f)

    def write_json(self, obj: Any, *parts: str) -> None:
        final = self.path(*parts)
        tmp = f"{final}.{uuid.uuid4().hex}.tmp"
        self.fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
        with self.fs.open(tmp, "w") as f:
            json.dump(obj, f, indent=1)
        self.fs.mv(tmp, final)

    def read_json(self, *parts: str) -> Any:
        with self.fs.open(self.path(*parts), "r") as f:
            return json.load(f)

    def parts(self, stage: str) -> list[str]:
        if not self.exists(stage):
            return []
        names = [p.rsplit("/", 1)[-1] for p in self.fs.ls(self.path(stage), detail=False)]
        return sorted(n for n in names if n.startswith("part-") and n.endswith(".parquet"))

    def manifest(self, stage: str) -> dict[str, Any] | None:
        return self.read_json(stage, "_SUCCESS") if self.exists(stage, "_SUCCESS") else None

    def begin(self, stage: str, fingerprint: str) -> None:
        """Keep the parts of an unfinished run with the same fingerprint; else start clean."""
        if self.exists(stage):
            old = (
                self.read_json(stage, "_FINGERPRINT")
                if self.exists(stage, "_FINGERPRINT")
                else None
            )
            if old != fingerprint:
                self.fs.rm(self.path(stage), recursive=True)
        self.write_json(fingerprint, stage, "_FINGERPRINT")


# ------------------------------------------------------------------------ shard access


class Shards:
    """Documents, sentences and vectors by corpus position, read shard by shard (LRU).

    Documents are segmented on first use only: a verification part touches a few documents
    of many shards.
    """

    def __init__(self, url: str, shard_size: int, with_vectors: bool, keep: int = 64) -> None:
        self.store = Store(url)
        self.size = shard_size
        self.with_vectors = with_vectors
        self.keep = keep
        self._cache: dict[int, tuple[list[Document], list[Any], list[Any]]] = {}

    def _load(self, k: int) -> tuple[list[Document], list[Any], list[Any]]:
        if k in self._cache:
            self._cache[k] = self._cache.pop(k)
            return self._cache[k]
        docs = documents_of(self.store.read_table("1-documents", part_name(k)))
        segs: list[Any] = [None] * len(docs)
        vecs: list[Any] = [None] * len(docs)
        if self.with_vectors:
            t = self.store.read_table("3-embed", part_name(k)).to_pydict()
            dim = t["dim"][0] if t["dim"] else 0
            vecs = [np.frombuffer(b, np.float16).reshape(-1, dim) for b in t["vectors"]]
        if len(self._cache) >= self.keep:
            self._cache.pop(next(iter(self._cache)))
        self._cache[k] = (docs, segs, vecs)
        return self._cache[k]

    def doc(self, pos: int) -> Document:
        return self._load(pos // self.size)[0][pos % self.size]

    def seg(self, pos: int) -> Any:
        docs, segs, _ = self._load(pos // self.size)
        i = pos % self.size
        if segs[i] is None:
            segs[i] = segment(docs[i])
        return segs[i]

    def vectors16(self, pos: int) -> Any:
        """Sentence vectors as stored (float16), or None without vectors."""
        return self._load(pos // self.size)[2][pos % self.size]

    def vectors(self, pos: int) -> Any:
        v = self._load(pos // self.size)[2][pos % self.size]
        return None if v is None else v.astype(np.float32)


def part_name(k: int) -> str:
    return f"part-{k:06d}.parquet"


DOC_COLUMNS = ("id", "text", "title", "url", "published", "source")


def documents_of(table: pa.Table) -> list[Document]:
    cols = table.to_pydict()
    return [Document(**{c: cols[c][r] for c in DOC_COLUMNS}) for r in range(table.num_rows)]


def fingerprint_of(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]

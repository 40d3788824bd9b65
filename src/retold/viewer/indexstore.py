"""Serving an index built by ``retold index add``, strictly read-only.

The index database is opened through a SQLite ``mode=ro`` URI, so any write would fail rather
than happen; document vectors added since the vector file was last saved are kept in memory
instead of being saved (``IndexStore.sync_vectors`` would write). Clusters come from an optional
``retold dedup`` clusters file; texts, search and source checks come from the index.

Search is a SQL ``LIKE`` scan over titles and texts (every word must occur, case-insensitive
for ASCII): fine for tens of thousands of articles, linear in the size of the index.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np

from retold.documents import Comparison, Document
from retold.errors import IndexStateError, InputError
from retold.index.store import DB_NAME, SCHEMA_VERSION, IndexConfig, IndexStore
from retold.segment import segment
from retold.viewer.store import Cluster, MemoryStore, PairFn, SearchHit, read_clusters
from retold.viewer.textindex import snippet, words


class _ReadOnlyIndex(IndexStore):
    """An ``IndexStore`` whose pending document vectors stay in memory."""

    def sync_vectors(self) -> int:
        if self._vectors is None:
            self._vectors = self._load_vectors()
        rows = self.conn.execute(
            "SELECT pos, vec FROM docs WHERE pos > ? ORDER BY pos", (self.watermark(),)
        ).fetchall()
        if not rows:
            return 0
        keys = np.array([r[0] for r in rows], dtype=np.uint64)
        vecs = np.stack([np.frombuffer(r[1], dtype=np.float16) for r in rows]).astype(np.float32)
        have = np.asarray(self._vectors.contains(keys), dtype=bool).reshape(-1)
        if (~have).any():
            self._vectors.add(keys[~have], vecs[~have])
        return int((~have).sum())


def open_readonly(path: Path) -> IndexStore:
    """Open an index folder without any right to write to it.

    Raises:
        IndexStateError: when the folder holds no index or one of another schema version.
    """
    db = path / DB_NAME
    if not db.is_file():
        raise IndexStateError(
            f"{path} is not a retold index: create it with `retold index add CORPUS --index {path}`"
        )
    try:
        conn = sqlite3.connect(
            f"{db.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise IndexStateError(f"{db} is damaged or not an index database ({exc})") from None
    if meta.get("version") != str(SCHEMA_VERSION):
        conn.close()
        raise IndexStateError(
            f"{path} was made by another retold version (schema {meta.get('version')}, this one "
            f"reads {SCHEMA_VERSION}): rebuild it with `retold index add`"
        )
    return _ReadOnlyIndex(path, conn, IndexConfig.from_json(meta["config"]))


class IndexBackedStore:
    """Documents from an index, clusters from an optional clusters file.

    One SQLite connection is shared by the server's threads behind a lock.
    """

    def __init__(self, index: IndexStore, clusters: list[Cluster], *, description: str) -> None:
        self._ix = index
        self._lock = threading.RLock()
        # cluster bookkeeping only; documents are never loaded whole
        self._clusters = MemoryStore((), clusters)
        self._comparer: Any = None
        self.description = description

    def close(self) -> None:
        self._ix.close()

    def _pos(self, doc_id: str) -> int | None:
        with self._lock:
            return self._ix.positions_of([doc_id]).get(doc_id)

    def _compare_fn(self) -> Any:
        if self._comparer is None:
            from retold.pair.compare import Comparer

            self._comparer = Comparer(self._ix.embedder)
        return self._comparer

    def compare(self, a: Document, b: Document) -> Comparison:
        """Compare two stored documents with their stored sentence vectors (nothing embedded)."""
        pa, pb = self._pos(a.id), self._pos(b.id)
        with self._lock:
            va = self._ix.sentence_vectors(pa) if pa is not None else None
            vb = self._ix.sentence_vectors(pb) if pb is not None else None
        sa, sb = segment(a), segment(b)
        if va is not None and len(va) != len(sa.sentences):
            va = None
        if vb is not None and len(vb) != len(sb.sentences):
            vb = None
        comparer = self._compare_fn()
        return comparer.compare_segmented(sa, sb, va, vb)

    def cluster_count(self) -> int:
        return self._clusters.cluster_count()

    def clusters(self, *, sort: str = "size", offset: int = 0, limit: int = 50) -> list[Cluster]:
        return self._clusters.clusters(sort=sort, offset=offset, limit=limit)

    def cluster(self, number: int) -> Cluster | None:
        return self._clusters.cluster(number)

    def clusters_of(self, doc_id: str) -> list[int]:
        return self._clusters.clusters_of(doc_id)

    def member(self, source: str, copy: str) -> Any:
        return self._clusters.member(source, copy)

    def document_count(self) -> int:
        with self._lock:
            return self._ix.count()

    def document(self, doc_id: str) -> Document | None:
        pos = self._pos(doc_id)
        if pos is None:
            return None
        with self._lock:
            return self._ix.document(pos)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        terms = sorted(set(words(query)))
        if not terms:
            return []
        where = " AND ".join(
            "(coalesce(title, '') LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\')" for _ in terms
        )
        params: list[Any] = []
        for t in terms:
            like = "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [like, like]
        sql = f"SELECT id, title, text FROM docs WHERE {where} ORDER BY pos LIMIT ?"
        with self._lock:
            rows = self._ix.conn.execute(sql, [*params, limit * 4]).fetchall()
        scored = []
        for doc_id, title, text in rows:
            in_title = sum(t in words(title or "") for t in terms)
            scored.append((-in_title, doc_id, title, text))
        scored.sort(key=lambda r: (r[0], r[1]))
        return [
            SearchHit(doc_id, title, snippet(text, query), float(-neg))
            for neg, doc_id, title, text in scored[:limit]
        ]

    def sources(self, checked: Document, compare: PairFn, limit: int = 10) -> list[Comparison]:
        from retold.index.find import find_sources

        comparer = self._compare_fn()
        with self._lock:
            matches = find_sources(self._ix, checked, comparer, top=limit)
        return [m.comparison for m in matches]


def open_index_store(path: Path, clusters: Path | None = None) -> IndexBackedStore:
    """A read-only store over an index folder, with the clusters of a clusters file if given.

    Raises:
        IndexStateError: the folder is not an index.
        InputError: the clusters file cannot be read.
    """
    index = open_readonly(path)
    loaded = read_clusters(clusters) if clusters is not None else []
    ids = sorted({m.id for c in loaded for m in c.members})
    known = index.positions_of(ids)
    missing = [i for i in ids if i not in known]
    if missing:
        index.close()
        raise InputError(
            f"{len(missing)} clustered documents are not in the index {path} (first: "
            f"{missing[0]!r}): add their corpus with `retold index add CORPUS --index {path}`"
        )
    parts = [str(p) for p in (clusters, path) if p is not None]
    return IndexBackedStore(index, loaded, description=" + ".join(parts))

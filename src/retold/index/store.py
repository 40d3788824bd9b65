"""The on-disk index: SQLite (WAL) is the source of truth, a usearch file holds document vectors.

Layout of an index folder::

    index.sqlite      documents, sentence vectors (float16), sentence hashes, MinHash band keys,
                      each document's language and cross-lingual fingerprints
    vectors.usearch   HNSW over document vectors, rebuilt from SQLite past its watermark

Crash safety: every batch of documents is one SQLite transaction, so a kill at any moment
leaves whole batches or nothing. The vector file is written under a temporary name and renamed;
its watermark (the last document position it holds) is recorded in SQLite afterwards. On open,
positions past the watermark are added again from SQLite, skipping keys the file already has,
so a crash between the rename and the watermark update neither loses nor doubles a vector.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retold.collection.candidates import CandidateConfig
from retold.collection.fingerprints import LSHConfig, MinHashConfig, band_keys
from retold.documents import Document
from retold.engines import NullProgress, Progress, batched
from retold.engines.prepare import PreparedBatch
from retold.errors import IndexStateError, write_error
from retold.lang import UNDETERMINED
from retold.models import Embedder, get_embedder

SCHEMA_VERSION = 1
DB_NAME = "index.sqlite"
VECTORS_NAME = "vectors.usearch"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    pos INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, hash TEXT NOT NULL, title TEXT,
    url TEXT, published TEXT, source TEXT, text TEXT NOT NULL, n_sentences INTEGER NOT NULL,
    vec BLOB);
CREATE TABLE IF NOT EXISTS sentences (
    pos INTEGER NOT NULL, idx INTEGER NOT NULL, hash INTEGER NOT NULL, usable INTEGER NOT NULL,
    PRIMARY KEY (pos, idx)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sentences_hash ON sentences (hash) WHERE usable = 1;
CREATE TABLE IF NOT EXISTS sentence_vectors (pos INTEGER PRIMARY KEY, vecs BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, pos INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands (key);
CREATE TABLE IF NOT EXISTS languages (pos INTEGER PRIMARY KEY, language TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS languages_language ON languages (language);
CREATE TABLE IF NOT EXISTS crosslingual_keys (key TEXT NOT NULL, pos INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS crosslingual_keys_key ON crosslingual_keys (key);
"""
# Documents stored before the language tables existed have no rows in them: they are found
# by the other signals, never as translated copies.


EXACT_SEARCH_LIMIT = 1_000_000  # document vectors searched exactly by find


@dataclass(frozen=True)
class IndexConfig:
    """Parameters fixed when an index is created (stored in it, read back on open).

    Attributes:
        minhash: Signature parameters.
        lsh: Banding parameters.
        candidates: Limits of the candidate signals used by ``find``.
        model: Embedding model name.
        crosslingual: Store each document's language and lead fingerprints, so that ``find``
            finds translations of it (an index made before this setting existed has it on).
    """

    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    lsh: LSHConfig = field(default_factory=LSHConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    model: str = "fast"
    crosslingual: bool = True

    def to_json(self) -> str:
        return json.dumps(
            {
                "minhash": asdict(self.minhash),
                "lsh": {
                    "threshold": self.lsh.threshold,
                    "num_perm": self.lsh.num_perm,
                    "bands": self.lsh.bands,
                    "rows": self.lsh.rows,
                },
                "candidates": asdict(self.candidates),
                "model": self.model,
                "crosslingual": self.crosslingual,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> IndexConfig:
        d = json.loads(text)
        return cls(
            MinHashConfig(**d["minhash"]),
            LSHConfig(**d["lsh"]),
            CandidateConfig(**d["candidates"]),
            d["model"],
            bool(d.get("crosslingual", True)),
        )


@dataclass
class AddReport:
    """What one ``add`` did."""

    added: int = 0
    unchanged: int = 0
    conflicting: int = 0
    batches: int = 0


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class IndexStore:
    """An index folder opened for reading and adding.

    Example:
        >>> import tempfile
        >>> from retold.documents import Document
        >>> d = tempfile.mkdtemp()
        >>> with IndexStore.open(d, create=True) as ix:
        ...     r = ix.add([Document("a", "The dam burst at dawn on Monday, flooding the valley.")])
        ...     r.added, ix.count()
        (1, 1)
    """

    def __init__(
        self, path: Path, conn: sqlite3.Connection, config: IndexConfig, *, readonly: bool = False
    ) -> None:
        self.path = path
        self.conn = conn
        self.config = config
        self.readonly = readonly
        self._embedder: Embedder | None = None
        self._vectors: Any = None
        self._watermark_override: int | None = None  # a damaged vector file, read-only

    # --- opening -------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        create: bool = False,
        config: IndexConfig | None = None,
        readonly: bool = False,
    ) -> IndexStore:
        """Open an index folder; ``create=True`` makes it when missing.

        With ``readonly`` the database is opened through a SQLite ``mode=ro`` URI and nothing
        in the folder is written (vectors past the watermark are added in memory only): what
        read commands such as ``retold index info`` use, so they work on a full disk.

        Raises:
            IndexStateError: The folder is not an index (and ``create`` is false), is from
                another schema version, or its database is damaged.
            OutputError: A new index cannot be written (no space left, read-only).
        """
        root = Path(path)
        db = root / DB_NAME
        if not db.exists():
            if not create or readonly:
                raise IndexStateError(
                    f"{root} is not a retold index: create it with `retold index add CORPUS"
                    f" --index {root}`"
                )
            try:
                root.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise write_error(root, exc) from None
        if readonly:
            return cls._open_readonly(root, db)
        try:
            conn = sqlite3.connect(db, timeout=30.0, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            if _is_write_failure(exc):
                raise write_error(db, exc) from None
            raise IndexStateError(f"{db} is damaged or not an index database ({exc})") from exc
        if not meta:
            cfg = config or IndexConfig()
            try:
                conn.execute("BEGIN")
                conn.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [
                        ("version", str(SCHEMA_VERSION)),
                        ("config", cfg.to_json()),
                        ("watermark", "-1"),
                    ],
                )
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise write_error(db, exc) from None
        else:
            _check_version(root, meta)
            cfg = IndexConfig.from_json(meta["config"])
        return cls(root, conn, cfg)

    @classmethod
    def _open_readonly(cls, root: Path, db: Path) -> IndexStore:
        try:
            conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise IndexStateError(f"{db} is damaged or not an index database ({exc})") from None
        _check_version(root, meta)
        return cls(root, conn, IndexConfig.from_json(meta["config"]), readonly=True)

    def __enter__(self) -> IndexStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.config.model)
        return self._embedder

    # --- reading -------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM docs").fetchone()[0])

    def info(self) -> dict[str, Any]:
        """Counts and parameters, for ``retold index info``."""
        n_sent = self.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
        n_bands = self.conn.execute("SELECT count(*) FROM bands").fetchone()[0]
        return {
            "path": str(self.path),
            "documents": self.count(),
            "sentences": int(n_sent),
            "band_keys": int(n_bands),
            "vectors": self.vector_count(),
            "watermark": self.watermark(),
            "languages": self.language_counts(),
            "config": json.loads(self.config.to_json()),
        }

    def watermark(self) -> int:
        if self._watermark_override is not None:
            return self._watermark_override
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'watermark'").fetchone()
        return int(row[0])

    def document(self, pos: int) -> Document:
        row = self.conn.execute(
            "SELECT id, text, title, url, published, source FROM docs WHERE pos = ?", (pos,)
        ).fetchone()
        return Document(*row)

    def sentence_vectors(self, pos: int) -> npt.NDArray[np.float32]:
        row = self.conn.execute(
            "SELECT vecs FROM sentence_vectors WHERE pos = ?", (pos,)
        ).fetchone()
        dim = self.embedder.dim
        return np.frombuffer(row[0], dtype=np.float16).reshape(-1, dim).astype(np.float32)

    def positions_of(self, ids: Sequence[str]) -> dict[str, int]:
        return self._by_id("pos", ids)

    def _by_id(self, column: str, ids: Sequence[str]) -> dict[str, Any]:
        """``id -> column`` for the stored documents among ``ids`` (500 per query)."""
        out: dict[str, Any] = {}
        for chunk in batched(ids, 500):
            q = f"SELECT id, {column} FROM docs WHERE id IN ({','.join('?' * len(chunk))})"
            out.update(dict(self.conn.execute(q, chunk).fetchall()))
        return out

    # --- adding --------------------------------------------------------------------------
    def add(
        self,
        documents: Iterable[Document],
        *,
        batch_size: int = 256,
        workers: int = 1,
        on_skip: Callable[[str, str], None] | None = None,
        progress: Progress | None = None,
    ) -> AddReport:
        """Add documents not in the index yet, one transaction per batch, then sync vectors.

        A document whose id is present with the same text is skipped silently (counted as
        unchanged); with a different text it is skipped and reported to ``on_skip``. With
        ``workers`` > 1 the new documents are segmented and embedded in that many processes;
        batches are still stored in input order.
        """
        from retold.engines.prepare import PrepareSpec, prepare_all

        report = AddReport()
        prog = progress or NullProgress()
        cfg = self.config
        # each document's language and fingerprints, so that a translation of it is found
        spec = PrepareSpec(
            cfg.minhash,
            cfg.candidates,
            cfg.model,
            languages=cfg.crosslingual,
            keys=cfg.crosslingual,
        )
        # ids accepted in this call: batches are checked ahead of being inserted
        accepted: dict[str, str] = {}
        with prog.task("index add") as task:

            def fresh_batches() -> Iterator[list[Document]]:
                for batch in batched(documents, batch_size):
                    fresh = self._fresh(batch, accepted, report, on_skip)
                    task.advance(len(batch) - len(fresh))
                    if fresh:
                        yield fresh

            for fresh, prep in prepare_all(fresh_batches(), spec, workers=workers):
                self._insert(fresh, prep, report, on_skip)
                report.batches += 1
                if report.batches % 32 == 0:
                    self.sync_vectors()
                task.advance(len(fresh))
        self.sync_vectors()
        return report

    def _fresh(
        self,
        batch: list[Document],
        accepted: dict[str, str],
        report: AddReport,
        on_skip: Callable[[str, str], None] | None,
    ) -> list[Document]:
        """The documents of ``batch`` neither in the index nor in ``accepted`` (which they
        join); the others are counted."""
        known = self._by_id("hash", [d.id for d in batch if d.id not in accepted])
        fresh: list[Document] = []
        for d in batch:
            h = accepted.get(d.id) or known.get(d.id)
            if h is None:
                fresh.append(d)
                accepted[d.id] = text_hash(d.text)
            elif h == text_hash(d.text):
                report.unchanged += 1
            else:
                report.conflicting += 1
                if on_skip is not None:
                    on_skip(d.id, "already in the index with a different text")
        return fresh

    def _insert(
        self,
        docs: list[Document],
        prep: PreparedBatch,
        report: AddReport,
        on_skip: Callable[[str, str], None] | None = None,
    ) -> None:
        """Store one prepared batch in one transaction.

        Ids are checked again inside the transaction: another ``index add`` may have stored
        some of them since this one looked.
        """
        vectors = prep.vectors
        assert vectors is not None  # the spec names a model
        keys = band_keys(prep.sigs, self.config.lsh)
        offsets = np.concatenate(([0], np.cumsum(prep.counts)))
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            start = c.execute("SELECT coalesce(max(pos), -1) + 1 FROM docs").fetchone()[0]
            taken = self._by_id("hash", [d.id for d in docs])
            doc_rows: list[tuple[Any, ...]] = []
            sent_rows: list[tuple[int, int, int, int]] = []
            vec_rows: list[tuple[int, bytes]] = []
            band_rows: list[tuple[int, int]] = []
            language_rows: list[tuple[int, str]] = []
            key_rows: list[tuple[str, int]] = []
            skipped: list[Document] = []
            for k, d in enumerate(docs):
                if d.id in taken:
                    skipped.append(d)
                    continue
                pos = start + len(doc_rows)
                lo, hi = int(offsets[k]), int(offsets[k + 1])
                usable = prep.usable[lo:hi]
                sv = vectors[lo:hi]
                dv = _doc_vector(sv, usable)
                doc_rows.append(
                    (
                        pos,
                        d.id,
                        text_hash(d.text),
                        d.title,
                        d.url,
                        d.published,
                        d.source,
                        d.text,
                        hi - lo,
                        dv.tobytes(),
                    )
                )
                sent_rows.extend(
                    (pos, i, int(prep.hashes[lo + i]), int(usable[i])) for i in range(hi - lo)
                )
                vec_rows.append((pos, sv.astype(np.float16).tobytes()))
                band_rows.extend((int(key), pos) for key in keys[k])
                language = str(prep.languages[k]) if len(prep.languages) else None
                if language is not None:  # the index keeps languages (IndexConfig.crosslingual)
                    language_rows.append((pos, language))
                if prep.keys:  # computed in the workers
                    key_rows.extend((key, pos) for key in prep.keys[k])
            c.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)", doc_rows)
            c.executemany("INSERT INTO sentences VALUES (?,?,?,?)", sent_rows)
            c.executemany("INSERT INTO sentence_vectors VALUES (?,?)", vec_rows)
            c.executemany("INSERT INTO bands VALUES (?,?)", band_rows)
            c.executemany("INSERT INTO languages VALUES (?,?)", language_rows)
            c.executemany("INSERT INTO crosslingual_keys VALUES (?,?)", key_rows)
            c.execute("COMMIT")
            report.added += len(doc_rows)
            for d in skipped:
                if taken[d.id] == text_hash(d.text):
                    report.unchanged += 1
                else:
                    report.conflicting += 1
                    if on_skip is not None:
                        on_skip(d.id, "already in the index with a different text")
        except BaseException as exc:
            # SQLite may already have rolled back itself (a full disk): a second ROLLBACK
            # would hide the real error
            if c.in_transaction:
                c.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError | OSError) and _is_write_failure(exc):
                raise write_error(self.path / DB_NAME, exc) from None
            raise

    # --- vectors -------------------------------------------------------------------------
    def _load_vectors(self) -> Any:
        from usearch.index import Index

        index = Index(ndim=self.embedder.dim, metric="cos", dtype="f16", connectivity=16)
        path = self.path / VECTORS_NAME
        if path.exists():
            try:
                index.load(str(path))
            except Exception as exc:  # a damaged file is rebuilt from SQLite
                index = Index(ndim=self.embedder.dim, metric="cos", dtype="f16", connectivity=16)
                self._watermark_override = -1
                if not self.readonly:
                    self.conn.execute("UPDATE meta SET value = '-1' WHERE key = 'watermark'")
                del exc
        return index

    def vectors(self) -> Any:
        """The document-vector index, with any positions past the watermark added."""
        if self._vectors is None:
            self._vectors = self._load_vectors()
            if self._pending():
                self.sync_vectors()
        return self._vectors

    def vector_count(self) -> int:
        return len(self.vectors())

    def _pending(self) -> bool:
        row = self.conn.execute(
            "SELECT count(*) FROM docs WHERE pos > ?", (self.watermark(),)
        ).fetchone()
        return bool(row[0])

    def sync_vectors(self) -> int:
        """Add document vectors past the watermark, save atomically, move the watermark."""
        if self._vectors is None:
            self._vectors = self._load_vectors()
        index = self._vectors
        mark = self.watermark()
        rows = self.conn.execute(
            "SELECT pos, vec FROM docs WHERE pos > ? ORDER BY pos", (mark,)
        ).fetchall()
        if not rows:
            return 0
        keys = np.array([r[0] for r in rows], dtype=np.uint64)
        vecs = np.stack([np.frombuffer(r[1], dtype=np.float16) for r in rows]).astype(np.float32)
        have = np.asarray(index.contains(keys), dtype=bool).reshape(-1)
        if (~have).any():
            index.add(keys[~have], vecs[~have])
        if self.readonly:  # a read command keeps them in memory; the next add saves them
            return int((~have).sum())
        tmp = self.path / (VECTORS_NAME + ".tmp")
        try:
            index.save(str(tmp))
            # usearch does not report a failed write (a full disk): check what reached the file
            written, expected = os.path.getsize(tmp), int(index.serialized_length)
            if written != expected:
                raise OSError(
                    errno.EIO, f"the file was cut short ({written:,} of {expected:,} bytes)"
                )
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(tmp, self.path / VECTORS_NAME)
            self.conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'watermark'", (str(int(keys.max())),)
            )
        except (OSError, RuntimeError, sqlite3.OperationalError) as exc:
            # the documents are safe in SQLite; the vectors are added again on the next open
            tmp.unlink(missing_ok=True)
            raise write_error(self.path / VECTORS_NAME, _with_free_space(exc, self.path)) from None
        return int((~have).sum())

    # --- lookups for find ---------------------------------------------------------------
    def band_hits(self, keys: Sequence[int]) -> set[int]:
        q = f"SELECT DISTINCT pos FROM bands WHERE key IN ({','.join('?' * len(keys))})"
        return {r[0] for r in self.conn.execute(q, [int(k) for k in keys])} if keys else set()

    def sentence_hash_hits(self, hashes: Sequence[int]) -> dict[int, int]:
        """Positions sharing identical usable sentences, with how many distinct ones."""
        if not hashes:
            return {}
        hs = sorted({int(h) for h in hashes})
        q = (
            "SELECT pos, count(DISTINCT hash) FROM sentences WHERE usable = 1 AND hash IN"
            f" ({','.join('?' * len(hs))}) GROUP BY pos"
        )
        return dict(self.conn.execute(q, hs).fetchall())

    def language_counts(self) -> dict[str, int]:
        """Stored documents per language group (``und`` when too short to tell)."""
        try:
            rows = self.conn.execute(
                "SELECT language, count(*) FROM languages GROUP BY language ORDER BY 2 DESC"
            ).fetchall()
        except sqlite3.OperationalError:  # a read-only index made before the table existed
            return {}
        return {str(lang): int(n) for lang, n in rows}

    def has_language_other_than(self, language: str) -> bool:
        """Whether a stored document is in a known language other than ``language``."""
        q = "SELECT 1 FROM languages WHERE language {} ? AND language != ? LIMIT 1"
        try:
            # two range look-ups on the language index, not a scan of the table
            return any(
                self.conn.execute(q.format(op), (language, UNDETERMINED)).fetchone()
                for op in ("<", ">")
            )
        except sqlite3.OperationalError:
            return False

    def crosslingual_postings(
        self, keys: Iterable[str], limit: int
    ) -> tuple[dict[str, list[int]], dict[int, str]]:
        """Stored documents having each key, for keys in at most ``limit`` of them, and the
        language of each document named."""
        ks = sorted(set(keys))
        if not ks:
            return {}, {}
        marks = ",".join("?" * len(ks))
        try:
            common = {
                key
                for key, n in self.conn.execute(
                    f"SELECT key, count(*) FROM crosslingual_keys WHERE key IN ({marks})"
                    " GROUP BY key",
                    ks,
                )
                if n > limit
            }
            rare = [k for k in ks if k not in common]
            postings: dict[str, list[int]] = {}
            if not rare:
                return {}, {}
            q = (
                "SELECT x.key, x.pos, l.language FROM crosslingual_keys x JOIN languages l"
                f" ON l.pos = x.pos WHERE x.key IN ({','.join('?' * len(rare))})"
            )
            languages: dict[int, str] = {}
            for key, pos, language in self.conn.execute(q, rare):
                postings.setdefault(key, []).append(int(pos))
                languages[int(pos)] = str(language)
        except sqlite3.OperationalError:
            return {}, {}
        return postings, languages

    def neighbours(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        """The ``k`` stored documents nearest to ``vector``, with their cosine.

        Exact (a SIMD scan, ~11 ms at 100,000 documents) up to ``EXACT_SEARCH_LIMIT`` vectors:
        at that size, with the HNSW graph's answers ``find`` ranked the source first for only
        33 of 50 planted rewrites (50 of 50 exact). Above the limit the graph answers, with a
        wider search than usearch's default.
        """
        index = self.vectors()
        if len(index) == 0:
            return []
        exact = len(index) <= EXACT_SEARCH_LIMIT
        if not exact:
            index.expansion_search = max(index.expansion_search, 256)
        m = index.search(vector, min(k, len(index)), exact=exact)
        return [(int(key), 1.0 - float(d)) for key, d in zip(m.keys, m.distances, strict=True)]


def _check_version(root: Path, meta: dict[str, str]) -> None:
    if meta.get("version") != str(SCHEMA_VERSION):
        raise IndexStateError(
            f"{root} was made by another retold version (schema {meta.get('version')},"
            f" this one reads {SCHEMA_VERSION}): rebuild it with `retold index add`"
        )


def _is_write_failure(exc: BaseException) -> bool:
    """A full disk, a read-only file system or a failed write, rather than a damaged index."""
    text = str(exc).lower()
    return isinstance(exc, OSError) or any(
        s in text for s in ("disk is full", "disk i/o error", "readonly", "read-only")
    )


def _with_free_space(exc: BaseException, path: Path) -> BaseException:
    """``exc``, or an ENOSPC error when the disk under ``path`` is (nearly) full: usearch
    reports a failed write without the reason."""
    import shutil

    if isinstance(exc, OSError) and exc.errno not in (None, errno.EIO):
        return exc
    try:
        free = shutil.disk_usage(path).free
    except OSError:
        return exc
    return OSError(errno.ENOSPC, "No space left on device") if free < 1 << 20 else exc


def _doc_vector(vectors: npt.NDArray[np.floating], usable: npt.NDArray[np.bool_]) -> Any:
    v = vectors[usable] if usable.any() else vectors
    mean = v.astype(np.float32).sum(axis=0) if len(v) else np.zeros(vectors.shape[1], np.float32)
    norm = float(np.linalg.norm(mean)) or 1.0
    return (mean / norm).astype(np.float16)

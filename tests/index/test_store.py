"""The on-disk index: incremental add, conflicts, find, and survival of kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from retold.documents import Document, Verdict
from retold.errors import IndexStateError
from retold.index import IndexStore, find_sources
from retold.index.store import DB_NAME
from retold.pair.compare import Comparer

SYNTH = textwrap.dedent(
    """
    import random
    from retold.documents import Document

    WORDS = ("harbour council tram budget river bridge school farm market storm police "
             "court museum airport factory union election hospital forest railway").split()
    FILL = "the a of in on for with after before near under about".split()

    def synth(n, seed=0):
        rng = random.Random(seed)
        for k in range(n):
            sents = []
            for _ in range(rng.randint(4, 8)):
                w = [rng.choice(WORDS if i % 2 else FILL) for i in range(rng.randint(8, 14))]
                w.append(f"n{rng.randint(0, 10**6)}")
                sents.append(" ".join(w).capitalize() + ".")
            yield Document(f"d{k:05d}", " ".join(sents))
    """
)
namespace: dict[str, object] = {}
exec(SYNTH, namespace)
synth = namespace["synth"]


def test_add_is_incremental_and_reports_conflicts(tmp_path: Path) -> None:
    docs = list(synth(60))  # type: ignore[operator]
    skipped: list[tuple[str, str]] = []
    with IndexStore.open(tmp_path / "ix", create=True) as ix:
        first = ix.add(docs[:40], batch_size=16)
        assert (first.added, first.unchanged) == (40, 0)
        again = ix.add(docs, batch_size=16, on_skip=lambda *a: skipped.append(a))
        assert (again.added, again.unchanged, again.conflicting) == (20, 40, 0)
        changed = Document("d00003", "A different text for an id already in the index.")
        third = ix.add([changed], on_skip=lambda *a: skipped.append(a))
        assert third.conflicting == 1
        assert skipped == [("d00003", "already in the index with a different text")]
        info = ix.info()
        assert info["documents"] == 60 and info["vectors"] == 60 and info["watermark"] == 59
        assert ix.document(3).text == docs[3].text  # the first text stays


def test_two_workers_store_the_same_rows_and_catch_repeats_across_batches(tmp_path: Path) -> None:
    docs = list(synth(90))  # type: ignore[operator]
    repeat = [*docs, docs[5], Document(docs[7].id, "Another text under a taken id.")]
    dumps = []
    for workers in (1, 2):
        with IndexStore.open(tmp_path / f"ix{workers}", create=True) as ix:
            report = ix.add(repeat, batch_size=8, workers=workers)
            assert (report.added, report.unchanged, report.conflicting) == (90, 1, 1)
            c = ix.conn
            dumps.append(
                (
                    c.execute("SELECT pos, id, hash, vec FROM docs ORDER BY pos").fetchall(),
                    c.execute("SELECT * FROM sentences ORDER BY pos, idx").fetchall(),
                    c.execute("SELECT * FROM sentence_vectors ORDER BY pos").fetchall(),
                    c.execute("SELECT * FROM bands ORDER BY key, pos").fetchall(),
                )
            )
    assert dumps[0] == dumps[1]


def test_find_returns_the_source_and_not_the_query_itself(tmp_path: Path) -> None:
    docs = list(synth(30, seed=2))  # type: ignore[operator]
    with IndexStore.open(tmp_path / "ix", create=True) as ix:
        ix.add(docs)
        src = docs[7]
        sentences = src.text.split(". ")
        copy = Document(
            "new", ". ".join(sentences[:3]) + ". An extra closing remark was added here."
        )
        matches = find_sources(ix, copy, Comparer(ix.embedder))
        # the source ranks first; in this 20-word vocabulary other texts may share a passage's
        # words closely enough to be called partial, never more
        assert matches[0].document.id == "d00007"
        assert matches[0].comparison.verdict == Verdict.REWRITE
        assert all(str(m.comparison.verdict) == "partial" for m in matches[1:])
        assert find_sources(ix, src, Comparer(ix.embedder)) == []  # itself is left out


def test_opening_a_missing_index_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(IndexStateError, match="is not a retold index: create it with"):
        IndexStore.open(tmp_path / "none")


DRIVER = SYNTH + textwrap.dedent(
    """
    import sys
    from retold.index import IndexStore
    with IndexStore.open(sys.argv[1], create=True) as ix:
        ix.add(synth(int(sys.argv[2])), batch_size=25)
    """
)


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as c:
            return int(c.execute("SELECT count(*) FROM docs").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_kill_9_mid_add_then_rerun_loses_and_doubles_nothing(tmp_path: Path) -> None:
    n = 2000
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    ix_dir = tmp_path / "ix"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.Popen([sys.executable, str(driver), str(ix_dir), str(n)], env=env)
    deadline = time.monotonic() + 120
    while _count(ix_dir / DB_NAME) < 200 and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = _count(ix_dir / DB_NAME)
    assert 0 < killed_at < n, "the add must be interrupted mid-run"

    subprocess.run([sys.executable, str(driver), str(ix_dir), str(n)], env=env, check=True)
    with IndexStore.open(ix_dir) as ix:
        info = ix.info()
        assert info["documents"] == n
        assert info["vectors"] == n
        c = ix.conn
        assert c.execute("SELECT count(DISTINCT id) FROM docs").fetchone()[0] == n
        assert c.execute("SELECT max(pos) - min(pos) + 1 FROM docs").fetchone()[0] == n
        per_doc = c.execute("SELECT sum(n_sentences) FROM docs").fetchone()[0]
        assert c.execute("SELECT count(*) FROM sentences").fetchone()[0] == per_doc
        assert c.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0] == n
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        target = ix.document(n - 1)
        matches = find_sources(
            ix, Document("q", target.text + " One more line."), Comparer(ix.embedder)
        )
        # the index gives back the document as it was added: its own copy comes first
        assert matches and matches[0].document.id == target.id
        assert matches[0].comparison.verdict in (Verdict.IDENTICAL, Verdict.NEAR_DUPLICATE)


def test_vectors_past_the_watermark_are_neither_lost_nor_doubled(tmp_path: Path) -> None:
    with IndexStore.open(tmp_path / "ix", create=True) as ix:
        ix.add(synth(30))  # type: ignore[operator]
        # as after a crash between renaming the vector file and recording its watermark
        ix.conn.execute("UPDATE meta SET value = '10' WHERE key = 'watermark'")
    with IndexStore.open(tmp_path / "ix") as ix:
        assert ix.vector_count() == 30 and ix.watermark() == 29
    (tmp_path / "ix" / "vectors.usearch").write_bytes(b"damaged")
    with IndexStore.open(tmp_path / "ix") as ix:
        assert ix.vector_count() == 30


def _file_state(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir()) if p.is_file()}


def test_index_info_and_a_readonly_open_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from retold.cli import main

    root = tmp_path / "ix"
    with IndexStore.open(root, create=True) as ix:
        ix.add(synth(12))  # type: ignore[operator]
        # as after a crash before the vector file was saved: vectors pending in SQLite
        ix.conn.execute("UPDATE meta SET value = '-1' WHERE key = 'watermark'")
        ix.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (root / "vectors.usearch").unlink()
    before = _file_state(root)
    try:
        main(["index", "info", "--index", str(root)])
    except SystemExit as exc:
        assert not exc.code
    info = json.loads(capsys.readouterr().out)
    assert info["documents"] == 12 and info["vectors"] == 12 and info["watermark"] == -1
    after = _file_state(root)
    assert "vectors.usearch" not in after
    assert after.get(DB_NAME) == before[DB_NAME]
    assert not any(name.endswith(".tmp") for name in after)


class _FullDisk:
    """A connection whose ``commit_fails``-th COMMIT fails as SQLite does on a full disk:
    the transaction is rolled back by SQLite itself, then the error is raised."""

    def __init__(self, conn: sqlite3.Connection, commit_fails: int) -> None:
        self._conn = conn
        self._left = commit_fails

    def execute(self, sql: str, *args: object) -> object:
        if sql == "COMMIT":
            self._left -= 1
            if self._left == 0:
                self._conn.execute("ROLLBACK")
                raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)


def test_full_disk_during_add_is_one_clear_error_and_a_rerun_completes(tmp_path: Path) -> None:
    from retold.errors import OutputError

    docs = list(synth(40))  # type: ignore[operator]
    root = tmp_path / "ix"
    with IndexStore.open(root, create=True) as ix:
        real = ix.conn
        ix.conn = _FullDisk(real, commit_fails=2)  # type: ignore[assignment]
        with pytest.raises(OutputError) as err:
            ix.add(docs, batch_size=16)
        assert str(err.value) == (
            f"no space left on device at {root / DB_NAME}: free some space and run the same"
            " command again"
        )
        ix.conn = real
        assert ix.count() == 16  # the first batch, whole; nothing of the failed one
    with IndexStore.open(root) as ix:
        report = ix.add(docs, batch_size=16)
        assert (report.added, report.unchanged) == (24, 16)
        assert ix.count() == 40 and ix.vector_count() == 40


def test_full_disk_while_saving_vectors_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    from collections import namedtuple

    from retold.errors import OutputError

    root = tmp_path / "ix"
    with IndexStore.open(root, create=True) as ix:
        ix.add(synth(5))  # type: ignore[operator]
        vectors = ix.vectors()

        def full(path: str) -> None:
            Path(path).write_bytes(b"half")
            raise RuntimeError("failed to write")  # usearch does not say why

        monkeypatch.setattr(vectors, "save", full)
        usage = namedtuple("usage", "total used free")
        monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10**9, 10**9, 0))
        with pytest.raises(OutputError, match=r"no space left on device at .*vectors\.usearch"):
            ix.add(synth(8))  # type: ignore[operator]
    assert not list(root.glob("*.tmp"))
    monkeypatch.undo()
    with IndexStore.open(root) as ix:
        assert ix.count() == 8 and ix.vector_count() == 8


def test_a_vector_file_cut_short_without_an_error_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retold.errors import OutputError

    root = tmp_path / "ix"
    with IndexStore.open(root, create=True) as ix:
        ix.add(synth(5))  # type: ignore[operator]
        vectors = ix.vectors()
        # as usearch does on a full disk: part of the file, and no error
        monkeypatch.setattr(vectors, "save", lambda path: Path(path).write_bytes(b"half"))
        with pytest.raises(OutputError, match=r"vectors\.usearch: the file was cut short"):
            ix.add(synth(8))  # type: ignore[operator]
        assert ix.watermark() == 4  # not moved past vectors that were not saved
    assert not list(root.glob("*.tmp"))


def test_ids_stored_by_another_writer_meanwhile_are_skipped_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retold.engines.prepare as prepare

    docs = list(synth(12))  # type: ignore[operator]
    root = tmp_path / "ix"
    real = prepare.prepare_arrays
    raced: list[str] = []
    with IndexStore.open(root, create=True) as first, IndexStore.open(root) as second:

        def racing(batch, digest, spec, embedder):  # type: ignore[no-untyped-def]
            # the other writer stores this batch after this one checked its ids
            if batch[0].id == docs[4].id and not raced:
                raced.append(batch[0].id)
                second.add(batch)
            return real(batch, digest, spec, embedder)

        monkeypatch.setattr(prepare, "prepare_arrays", racing)
        report = first.add(docs, batch_size=4)
        assert raced == [docs[4].id]
        assert (report.added, report.unchanged, report.conflicting) == (8, 4, 0)
        assert first.count() == 12 and first.vector_count() == 12

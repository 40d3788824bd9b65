"""`retold dedup`, `retold index` and `retold find` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.cli import main

STORY = (
    "The council approved a new tram line on Tuesday after a long debate.\n\n"
    "Construction will start in the spring and last three years, officials said.\n\n"
    "The line will link the harbour with the university campus and the hospital."
)
OTHER = (
    "A rare orchid was found in a forest north of the town last week.\n\n"
    "Botanists said the plant had not been seen there for forty years."
)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    root.mkdir()
    (root / "a.txt").write_text(STORY, encoding="utf-8")
    (root / "b.txt").write_text(STORY + "\n\nMore details will follow.", encoding="utf-8")
    (root / "c.txt").write_text(OTHER, encoding="utf-8")
    (root / "empty.txt").write_text("", encoding="utf-8")
    (root / "blob.txt").write_bytes(bytes(range(256)) * 8)
    return root


def test_dedup_folder_skips_bad_files_with_one_warning_each(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "clusters.jsonl"
    code, _, err = _run(["dedup", str(folder), "-o", str(out), "--lexical-only"], capsys)
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("warning: skipped")]
    assert len(warnings) == 2
    assert any("empty.txt" in w for w in warnings) and any("blob.txt" in w for w in warnings)
    assert "skipped 2" in err
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [[m["id"] for m in r["members"]] for r in records] == [["b.txt", "a.txt"]]
    assert records[0]["members"][1]["verdict"] in ("near-duplicate", "partial")


def test_dedup_keeps_an_explicit_work_dir_and_removes_the_default_one(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "clusters.jsonl"
    code, _, _ = _run(["dedup", str(folder), "-o", str(out), "--num-cpus", "1"], capsys)
    assert code == 0 and out.exists()
    assert not Path(f"{out}.work").exists()
    work = tmp_path / "kept"
    args = ["dedup", str(folder), "-o", str(out), "--work-dir", str(work), "--quiet"]
    code, _, _ = _run(args, capsys)
    assert code == 0
    assert list(work.glob("prepared/batch-*.npz")) and (work / "candidates.npz").exists()


def test_dedup_jsonl_duplicate_ids_warn_and_quiet_is_silent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "c.jsonl"
    rows = [
        {"id": "x", "text": STORY, "published": "2024-01-02"},
        {"id": "x", "text": OTHER},
        {"id": "y", "text": STORY, "published": "2024-01-01"},
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "out.parquet"
    code, _, err = _run(
        ["dedup", str(corpus), "-o", str(out), "--format", "parquet", "--lexical-only"], capsys
    )
    assert code == 0 and "warning: skipped" in err and "duplicate id" in err
    assert "Copies by verdict" in err
    code, stdout, err = _run(["dedup", str(corpus), "-o", str(out), "-q", "--lexical-only"], capsys)
    assert (code, stdout, err) == (0, "", "")


def test_dedup_missing_corpus_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope"
    code, _, err = _run(["dedup", str(missing), "-o", str(tmp_path / "o.jsonl")], capsys)
    assert code == 2
    assert err == f"Error: no such file or folder: {missing}\n"


def test_index_add_twice_then_find(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ix = tmp_path / "ix"
    code, _, err = _run(["index", "add", str(folder), "--index", str(ix)], capsys)
    assert code == 0 and "added 3, already present 0" in err
    code, _, err = _run(["index", "add", str(folder), "--index", str(ix)], capsys)
    assert code == 0 and "added 0, already present 3" in err
    code, out, _ = _run(["index", "info", "--index", str(ix)], capsys)
    assert json.loads(out)["documents"] == 3
    query = tmp_path / "q.txt"
    query.write_text(STORY.replace("Tuesday", "Wednesday"), encoding="utf-8")
    code, out, _ = _run(["find", str(query), "--index", str(ix), "--format", "json"], capsys)
    assert code == 0
    found = json.loads(out)
    assert {s["id"] for s in found["sources"]} == {"a.txt", "b.txt"}
    assert all(s["reuse"] for s in found["sources"])
    code, out, _ = _run(["find", str(query), "--index", str(ix)], capsys)
    assert out.startswith(f"{query}: 2 sources")


def test_find_without_index_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    q = tmp_path / "q.txt"
    q.write_text(STORY, encoding="utf-8")
    code, _, err = _run(["find", str(q), "--index", str(tmp_path / "ix")], capsys)
    assert code == 4
    assert err == (
        f"Error: {tmp_path / 'ix'} is not a retold index: create it with "
        f"`retold index add CORPUS --index {tmp_path / 'ix'}`\n"
    )


def test_dedup_leaves_out_a_document_too_long_to_compare_and_finishes(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a copy of STORY followed by 5,100 short sentences: a candidate of a.txt and b.txt
    tail = " ".join(f"Lot {i} was sold at noon." for i in range(5100))
    (folder / "huge.txt").write_text(STORY + "\n\n" + tail, encoding="utf-8")
    out = tmp_path / "clusters.jsonl"
    code, _, err = _run(["dedup", str(folder), "-o", str(out), "--num-cpus", "1"], capsys)
    assert code == 0, err
    lines = [line for line in err.splitlines() if line.startswith("warning: skipped huge")]
    assert len(lines) == 1
    assert lines[0].startswith("warning: skipped huge.txt (")
    assert "over 5,000 sentences, not compared; split it into articles" in lines[0]
    assert "skipped 3" in err  # empty.txt, blob.txt and huge.txt
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [sorted(m["id"] for m in r["members"]) for r in records] == [["a.txt", "b.txt"]]


class _FullFile:
    """A file open for writing on a disk with no space left."""

    def __init__(self, f) -> None:  # type: ignore[no-untyped-def]
        self._f = f

    def write(self, data: object) -> int:
        import errno

        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> object:
        return getattr(self._f, name)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()


def _fill_disk(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    real_open = Path.open

    def full_open(self: Path, mode: str = "r", *args, **kwargs):  # type: ignore[no-untyped-def]
        f = real_open(self, mode, *args, **kwargs)
        return _FullFile(f) if "w" in mode and self.name.endswith(suffix) else f

    monkeypatch.setattr(Path, "open", full_open)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_dedup_on_a_full_disk_says_so_and_leaves_no_partial_file(
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    out = tmp_path / f"clusters.{fmt}"
    _fill_disk(monkeypatch, f"clusters.{fmt}.tmp")
    argv = ["dedup", str(folder), "-o", str(out), "--lexical-only", "--format", fmt, "-q"]
    code, _, err = _run(argv, capsys)
    assert code == 5
    assert err == (
        f"Error: no space left on device at {out}: free some space and run the same command again\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles"]


def test_dedup_with_a_full_work_dir_says_so_and_a_rerun_resumes(
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "clusters.jsonl"
    work = tmp_path / "work"
    _fill_disk(monkeypatch, ".npz.tmp")
    argv = ["dedup", str(folder), "-o", str(out), "--lexical-only", "--work-dir", str(work)]
    code, _, err = _run([*argv, "-q"], capsys)
    assert code == 5 and err.startswith("Error: no space left on device at ")
    assert len(err.splitlines()) == 1 and not out.exists()
    assert not [p for p in work.rglob("*.tmp")]
    monkeypatch.undo()
    code, _, err = _run([*argv, "-q"], capsys)
    assert code == 0 and out.exists()

"""The Ray engine gives the local engine's results, resumes, and survives a killed worker or
driver."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from retold.documents import Document
from retold.engines.local import DedupConfig, run_dedup
from retold.errors import MissingDependencyError

pytestmark = pytest.mark.ray

_PLACES = ["Harbor Town", "the northern valley", "Lake Ferro", "the old mill district",
           "Granite Ridge", "the river delta", "Saltmarsh", "the east quarter"]  # fmt: skip
_ACTORS = ["The water board", "A local bakery", "The rowing club", "Two teachers",
           "The bus company", "A night market", "The tenants' group", "The museum staff",
           "A cycling charity", "The fishing cooperative"]  # fmt: skip
_ACTS = ["opened a new branch", "paused its weekend service", "asked for more volunteers",
         "published its yearly accounts", "repaired the footbridge", "won a regional prize",
         "changed its opening hours", "started a repair workshop", "held a public meeting",
         "planted two hundred trees"]  # fmt: skip
_WHEN = ["on Tuesday", "last weekend", "after months of planning", "before the holidays",
         "early this morning", "despite the heavy rain"]  # fmt: skip
_WHY = ["to cut waiting times", "after complaints from residents", "with help from a grant",
        "as part of a wider plan", "to mark its fiftieth year", "following a survey"]  # fmt: skip


def _sentence(rng: random.Random) -> str:
    n = rng.randint(10, 999)
    return (
        f"{rng.choice(_ACTORS)} in {rng.choice(_PLACES)} {rng.choice(_ACTS)} "
        f"{rng.choice(_WHEN)} {rng.choice(_WHY)}, with {n} people taking part."
    )


def make_corpus(n: int, seed: int = 3) -> list[Document]:
    """Fresh stories plus planted copies: exact, lightly edited, and partial."""
    rng = random.Random(seed)
    docs: list[Document] = []
    for k in range(n):
        day = f"2024-{1 + k % 12:02d}-{1 + k % 28:02d}"
        if docs and rng.random() < 0.3:
            src = rng.choice(docs).text.split("\n\n")
            kind = rng.random()
            if kind < 0.3:
                paras = src
            elif kind < 0.7:
                paras = [p.replace(" with ", " and ", 1) for p in src]
            else:
                paras = [*src[: max(1, len(src) // 2)], _sentence(rng) + " " + _sentence(rng)]
            text = "\n\n".join(paras)
        else:
            sents = [_sentence(rng) for _ in range(rng.randint(4, 8))]
            text = "\n\n".join(" ".join(sents[i : i + 2]) for i in range(0, len(sents), 2))
        docs.append(Document(f"d{k:05d}", text, published=day if rng.random() < 0.5 else None))
    return docs


def _write(docs: list[Document], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d.to_dict()) + "\n")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(make_corpus(2000), tmp_path_factory.mktemp("corpus") / "corpus.jsonl")


CONFIG = DedupConfig(lexical_only=True, batch_size=250)


@pytest.fixture(scope="module")
def local_records(corpus: Path) -> list[dict]:  # type: ignore[type-arg]
    from retold.readers import read_corpus

    return run_dedup(read_corpus(corpus), CONFIG).records


def _run(corpus: Path, work: Path, config: DedupConfig = CONFIG):  # type: ignore[no-untyped-def]
    from retold.engines.ray import RayConfig, run_ray_dedup

    cfg = RayConfig(work_dir=str(work), dedup=config, pairs_per_part=64)
    return run_ray_dedup(str(corpus), cfg)


@pytest.fixture(scope="module")
def first_run(ray_session, corpus, tmp_path_factory):  # type: ignore[no-untyped-def]
    work = tmp_path_factory.mktemp("ray") / "work"
    return work, _run(corpus, work)


def test_ray_engine_equals_local_engine(first_run, local_records) -> None:  # type: ignore[no-untyped-def]
    _, result = first_run
    assert len(local_records) > 50
    assert result.records == local_records
    assert result.stats["documents"] == 2000
    assert result.stats["component_rounds"] >= 1


def test_ray_engine_equals_local_engine_with_embeddings(ray_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from retold.readers import read_corpus

    path = _write(make_corpus(300, seed=11), tmp_path / "small.jsonl")
    cfg = DedupConfig(batch_size=100)
    local = run_dedup(read_corpus(path), cfg)
    result = _run(path, tmp_path / "work", cfg)
    assert result.records == local.records
    assert result.stats["candidates"] == local.stats["candidates"]


def test_a_document_too_long_to_compare_is_left_out_as_in_the_local_engine(  # type: ignore[no-untyped-def]
    ray_session, tmp_path
) -> None:
    from retold.engines.ray import RayConfig, run_ray_dedup
    from retold.readers import read_corpus

    docs = make_corpus(200, seed=12)
    tail = " ".join(f"Lot {i} was sold at noon." for i in range(5100))
    docs.append(Document("huge", docs[0].text + "\n\n" + tail))  # a candidate of d00000
    path = _write(docs, tmp_path / "with-huge.jsonl")
    cfg = DedupConfig(lexical_only=True, batch_size=100)
    local_skips: list[tuple[str, str]] = []
    local = run_dedup(read_corpus(path), cfg, on_skip=lambda *a: local_skips.append(a))
    ray_skips: list[tuple[str, str]] = []
    result = run_ray_dedup(
        str(path),
        RayConfig(work_dir=str(tmp_path / "work"), dedup=cfg, pairs_per_part=64),
        on_skip=lambda *a: ray_skips.append(a),
    )
    assert ray_skips == local_skips
    assert len(ray_skips) == 1 and ray_skips[0][0].startswith("huge (")
    assert "over 5,000 sentences, not compared" in ray_skips[0][1]
    assert result.stats["not_compared"] == local.stats["not_compared"] == 1
    assert result.records == local.records
    assert all(m["id"] != "huge" for r in result.records for m in r["members"])


def test_rerun_skips_finished_stages(first_run, corpus, local_records) -> None:  # type: ignore[no-untyped-def]
    work, _ = first_run
    earlier = {p: p.stat().st_mtime_ns for s in ("1-documents", "2-prepare", "4-candidates")
               for p in (work / s).glob("part-*.parquet")}  # fmt: skip
    verify_parts = sorted((work / "5-verify").glob("part-*.parquet"))
    kept = {p: p.stat().st_mtime_ns for p in verify_parts[1:]}
    # a failure inside stage 5: its marker and one of its parts are missing
    (work / "5-verify" / "_SUCCESS").unlink()
    verify_parts[0].unlink()
    again = _run(corpus, work)
    assert again.records == local_records
    assert set(again.stats["skipped"]) >= {"1-documents", "2-prepare", "4-candidates"}
    assert "5-verify" not in again.stats["skipped"]
    assert {p: p.stat().st_mtime_ns for p in earlier} == earlier
    assert {p: p.stat().st_mtime_ns for p in kept} == kept  # only the missing part is redone
    assert verify_parts[0].exists()
    manifest = json.loads((work / "5-verify" / "_SUCCESS").read_text())
    assert len(manifest["parts"]) == len(verify_parts)


def test_killed_worker_loses_and_doubles_nothing(
    ray_session, corpus, local_records, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    psutil = pytest.importorskip("psutil")
    killed: list[int] = []
    done = threading.Event()

    def killer() -> None:
        # only workers of this test's own Ray instance: its processes descend from this one
        me = psutil.Process(os.getpid())
        while not done.is_set() and not killed:
            for proc in me.children(recursive=True):
                try:
                    cmd = " ".join(proc.cmdline())
                except psutil.Error:
                    continue
                if "VerifyPart" in cmd:
                    time.sleep(0.3)  # let it start on a part first
                    try:
                        proc.send_signal(signal.SIGKILL)
                    except psutil.Error:
                        continue
                    killed.append(proc.pid)
                    break
            time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        result = _run(corpus, tmp_path / "work")
    finally:
        done.set()
        thread.join()
    assert killed, "no verification worker was found to kill"
    assert result.records == local_records
    work = tmp_path / "work"
    n_cand = len(list((work / "4-candidates").glob("part-*.parquet")))
    assert len(list((work / "5-verify").glob("part-*.parquet"))) == n_cand
    assert not list(work.rglob("*.tmp"))


def _instance_processes(root: str) -> dict[int, str]:
    """Live processes of the Ray instance started with ``RAY_TMPDIR=root``: that entry in their
    environment, ``root`` in their command line, or a file open under it."""
    entry, found = f"RAY_TMPDIR={root}".encode(), {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            cmd = (proc / "cmdline").read_bytes()
            mine = entry in (proc / "environ").read_bytes().split(b"\0") or root.encode() in cmd
            for fd in (proc / "fd").iterdir() if not mine else ():
                try:
                    mine = mine or os.readlink(fd).startswith(root + "/")
                except OSError:
                    continue
        except (OSError, IndexError):
            continue
        if mine:
            found[int(proc.name)] = cmd.split(b"\0")[0].decode(errors="replace")
    return found


def _gone_within(root: str, seconds: float) -> dict[int, str]:
    deadline = time.monotonic() + seconds
    left = _instance_processes(root)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = _instance_processes(root)
    return left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_the_driver_leaves_no_ray_process_and_the_rerun_resumes(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    corpus = _write(make_corpus(600, seed=5), tmp_path / "corpus.jsonl")
    work = tmp_path / "work"
    base = [sys.executable, "-m", "retold", "dedup", str(corpus), "--lexical-only", "-q"]
    ray_args = ["--engine", "ray", "--work-dir", str(work), "--num-cpus", "2"]
    # a short folder of its own: Ray's socket paths must stay under 108 characters
    root = tempfile.mkdtemp(prefix="rt-", dir="/tmp")
    env = {**os.environ, "RAY_TMPDIR": root}
    driver = subprocess.Popen(
        [*base, "-o", str(tmp_path / "killed.jsonl"), *ray_args],
        env=env,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (work / "1-documents" / "_SUCCESS").exists() and driver.poll() is None:
            assert time.monotonic() < deadline, "the driver wrote no stage files in 120 s"
            time.sleep(0.05)
        assert driver.poll() is None, "the run ended before it could be killed"
        started = _instance_processes(root)
        driver.send_signal(signal.SIGKILL)
        driver.wait()
        left = _gone_within(root, 10)
    finally:
        driver.kill()
        for pid in _instance_processes(root):
            os.kill(pid, signal.SIGKILL)
    assert len(started) >= 4  # driver, GCS, raylet, agents, workers
    assert left == {}, f"processes of the killed run still alive after 10 s: {left}"
    assert not (tmp_path / "killed.jsonl").exists()

    kept = {p: p.stat().st_mtime_ns for p in (work / "1-documents").glob("part-*.parquet")}
    again = subprocess.run(
        [*base, "-o", str(tmp_path / "resumed.jsonl"), *ray_args],
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert {p: p.stat().st_mtime_ns for p in kept} == kept  # stage 1 was not redone
    assert _gone_within(root, 10) == {}  # a run that ends normally leaves nothing either
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([*base, "-o", str(tmp_path / "local.jsonl")], check=True, timeout=300)
    resumed = (tmp_path / "resumed.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(resumed) > 10
    assert resumed == (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()


def test_missing_extra_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from retold.cli.engine_options import run_engine
    from retold.engines.ray import require_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(MissingDependencyError) as err:
        require_ray()
    assert str(err.value) == "the ray engine needs the 'ray' extra: pip install 'retold[ray]'"
    with pytest.raises(MissingDependencyError):
        run_engine("ray", corpus="x.jsonl", config=CONFIG, output="out.jsonl")

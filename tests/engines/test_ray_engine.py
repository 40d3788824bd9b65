"""The Ray engine gives the local engine's results, resumes, and survives a killed worker."""

from __future__ import annotations

import json
import os
import random
import signal
import sys
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


def test_missing_extra_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from retold.cli.engine_options import run_engine
    from retold.engines.ray import require_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(MissingDependencyError) as err:
        require_ray()
    assert str(err.value) == "the ray engine needs the 'ray' extra: pip install 'retold[ray]'"
    with pytest.raises(MissingDependencyError):
        run_engine("ray", corpus="x.jsonl", config=CONFIG, output="out.jsonl")

"""The per-document stage: worker processes, saved batches, and resuming a killed dedup."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from retold.engines import batched
from retold.engines.local import DedupConfig, run_dedup
from retold.engines.prepare import (
    BatchCache,
    PrepareSpec,
    PrepareStats,
    batch_digest,
    prepare_all,
)
from retold.readers import read_corpus

DEMO = Path(__file__).resolve().parents[2] / "src" / "retold" / "data" / "demo" / "corpus.jsonl"
FIELDS = ("sigs", "counts", "hashes", "usable", "vectors", "languages")


def _arrays(workers: int, spec: PrepareSpec, cache: BatchCache | None = None) -> list[dict]:  # type: ignore[type-arg]
    docs = list(read_corpus(DEMO))
    out = []
    for batch, prep in prepare_all(batched(docs, 7), spec, workers=workers, cache=cache):
        out.append({"ids": [d.id for d in batch], **{f: getattr(prep, f) for f in FIELDS}})
    return out


def _same(a: list[dict], b: list[dict]) -> bool:  # type: ignore[type-arg]
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x["ids"] != y["ids"]:
            return False
        for f in FIELDS:
            if (x[f] is None) != (y[f] is None) or (
                x[f] is not None and not np.array_equal(x[f], y[f])
            ):
                return False
    return True


@pytest.mark.parametrize("model", [None, "fast"])
def test_two_worker_processes_give_the_same_batches_in_order(model: str | None) -> None:
    spec = PrepareSpec(model=model, languages=model is not None)
    one, two = _arrays(1, spec), _arrays(2, spec)
    assert len(one) == 6  # 40 demo documents in batches of 7
    assert _same(one, two)
    assert (one[0]["vectors"] is None) == (model is None)
    # the language of each document comes with its batch when translations are looked for
    langs = [str(code) for b in one for code in b["languages"]]
    assert langs == ([] if model is None else ["en"] * 40)


def test_saved_batches_are_loaded_instead_of_recomputed(tmp_path: Path) -> None:
    spec = PrepareSpec()
    first = _arrays(1, spec, BatchCache(tmp_path, spec.key(7)))
    assert len(list(tmp_path.glob("batch-*.npz"))) == 6
    stats = PrepareStats()
    docs = list(read_corpus(DEMO))
    cache = BatchCache(tmp_path, spec.key(7))
    again = [
        {"ids": [d.id for d in b], **{f: getattr(p, f) for f in FIELDS}}
        for b, p in prepare_all(batched(docs, 7), spec, cache=cache, stats=stats)
    ]
    assert (stats.loaded, stats.computed) == (6, 0)
    assert _same(first, again)


def test_a_batch_of_other_documents_or_a_damaged_file_is_recomputed(tmp_path: Path) -> None:
    spec = PrepareSpec(model=None)
    cache = BatchCache(tmp_path, spec.key(7))
    _arrays(1, spec, cache)
    docs = list(read_corpus(DEMO))
    assert cache.load(0, batch_digest(docs[:7])) is not None
    assert cache.load(0, batch_digest(docs[1:8])) is None  # the corpus changed
    (tmp_path / "batch-000001.npz").write_bytes(b"not a zip file")
    assert cache.load(1, batch_digest(docs[7:14])) is None


def test_other_settings_empty_the_work_directory(tmp_path: Path) -> None:
    spec = PrepareSpec(model=None)
    _arrays(1, spec, BatchCache(tmp_path, spec.key(7)))
    BatchCache(tmp_path, PrepareSpec(model="fast").key(7))
    assert not list(tmp_path.glob("batch-*.npz"))


def test_a_rerun_with_a_work_dir_resumes_and_gives_the_same_clusters(tmp_path: Path) -> None:
    cfg = DedupConfig(batch_size=8)
    clean = run_dedup(read_corpus(DEMO), cfg)

    def failing() -> object:
        for k, d in enumerate(read_corpus(DEMO)):
            if k == 27:
                raise RuntimeError("disk gone")
            yield d

    with pytest.raises(RuntimeError):
        run_dedup(failing(), cfg, work_dir=tmp_path)  # type: ignore[arg-type]
    resumed = run_dedup(read_corpus(DEMO), cfg, work_dir=tmp_path)
    assert resumed.stats["resumed"] == {"batches": 3, "candidates": False}
    assert resumed.records == clean.records
    again = run_dedup(read_corpus(DEMO), cfg, work_dir=tmp_path)
    assert again.stats["resumed"] == {"batches": 5, "candidates": True}
    assert again.records == clean.records


DRIVER = textwrap.dedent(
    """
    import json, random, re, sys
    from retold.documents import Document
    from retold.engines.local import DedupConfig, run_dedup

    def synth(n, demo):
        text = open(demo).read()
        words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)})
        rng = random.Random(7)
        for k in range(n):
            sents = [" ".join(rng.choice(words) for _ in range(12)).capitalize() + "."
                     for _ in range(rng.randint(4, 8))]
            text = " ".join(sents)
            yield Document(f"d{k:05d}", text)
            if k % 40 == 0:  # a copy now and then, so there is something to cluster
                yield Document(f"c{k:05d}", text + " One line more at the end of it.")

    work, out, n, demo = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    r = run_dedup(synth(n, demo), DedupConfig(batch_size=40), work_dir=work or None)
    json.dump({"records": r.records, "resumed": r.stats["resumed"]}, open(out, "w"))
    """
)


def test_kill_9_mid_dedup_then_rerun_resumes_and_matches_a_clean_run(tmp_path: Path) -> None:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    work = tmp_path / "work"
    n, demo = "1600", str(DEMO)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    run = [sys.executable, str(driver)]
    proc = subprocess.Popen([*run, str(work), str(tmp_path / "killed.json"), n, demo], env=env)
    deadline = time.monotonic() + 120
    while len(list(work.glob("prepared/batch-*.npz"))) < 4 and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    saved = len(list(work.glob("prepared/batch-*.npz")))
    assert 4 <= saved < 41, "the dedup must be interrupted mid-run"
    assert not (tmp_path / "killed.json").exists()

    for work_arg, out in ((str(work), "resumed.json"), ("", "clean.json")):
        subprocess.run([*run, work_arg, str(tmp_path / out), n, demo], env=env, check=True)
    resumed = json.loads((tmp_path / "resumed.json").read_text())
    clean = json.loads((tmp_path / "clean.json").read_text())
    assert resumed["resumed"]["batches"] == saved  # written under a temporary name, then renamed
    assert resumed["records"] == clean["records"]
    assert len(clean["records"]) == 40  # the planted copies, and nothing else
    assert all(r["size"] == 2 for r in clean["records"])

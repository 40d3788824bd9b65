"""The local engine on the demo corpus, whose answer key is in src/retold/data/demo/README.md."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from retold.engines.local import DedupConfig, run_dedup, write_clusters
from retold.readers import count_documents, read_corpus

DEMO = Path(__file__).resolve().parents[2] / "src" / "retold" / "data" / "demo" / "corpus.jsonl"

LEXICAL = {("n03", "n32"), ("n11", "n33"), ("n05", "n34"), ("n17", "n35"), ("n14", "n38")}
PARAPHRASE = {("n08", "n36"), ("n21", "n37")}
VERDICTS = {
    "n32": "identical",
    "n33": "identical",
    "n34": "near-duplicate",
    "n35": "near-duplicate",
    "n36": "rewrite",
    "n37": "rewrite",
    "n38": "partial",
}


def _pairs(records: list[dict]) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {(r["source"], m["id"]) for r in records for m in r["members"][1:]}


@pytest.fixture(scope="module")
def full() -> object:
    return run_dedup(read_corpus(DEMO), DedupConfig())


def test_full_mode_proposes_every_planted_copy_and_clusters_what_verifies(full) -> None:  # type: ignore[no-untyped-def]
    proposed = {(a, b): (signals, verdict) for a, b, signals, verdict in full.candidates}
    for src, copy in LEXICAL | PARAPHRASE:
        assert (src, copy) in proposed, f"{src}/{copy} was never a candidate"
    assert "semantic" in proposed[("n08", "n36")][0] and "semantic" in proposed[("n21", "n37")][0]
    reuse = {(a, b) for (a, b), (_, v) in proposed.items() if v in set(VERDICTS.values())}
    # clusters hold exactly the verified reuse pairs, oriented source -> copy
    assert _pairs(full.records) == reuse
    assert reuse >= LEXICAL
    got = {m["id"]: m["verdict"] for r in full.records for m in r["members"][1:]}
    assert all(got[c] == VERDICTS[c] for c in got)
    clustered = {m["id"] for r in full.records for m in r["members"]}
    assert not clustered & {"n26", "n39", "n29", "n40"}  # same event, written independently


def test_lexical_only_mode_finds_the_lexical_copies() -> None:
    result = run_dedup(read_corpus(DEMO), DedupConfig(lexical_only=True))
    assert _pairs(result.records) == LEXICAL
    assert result.stats["mode"] == "lexical-only"


def test_results_are_identical_run_to_run(full) -> None:  # type: ignore[no-untyped-def]
    again = run_dedup(read_corpus(DEMO), DedupConfig())
    assert json.dumps(again.records) == json.dumps(full.records)


def test_records_follow_the_format(full, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert [r["cluster"] for r in full.records] == list(range(len(full.records)))
    sizes = [(-r["size"], r["source"]) for r in full.records]
    assert sizes == sorted(sizes)
    for r in full.records:
        src = r["members"][0]
        assert src["id"] == r["source"] and src["role"] == "source"
        for m in r["members"][1:]:
            assert m["published"] > src["published"]  # every source is published first
            for link in m["links"]:
                assert set(link) == {"a", "b", "similarity", "kind", "moved"}
    write_clusters(full.records, tmp_path / "c.jsonl")
    lines = (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in lines] == full.records
    write_clusters(full.records, tmp_path / "c.parquet", "parquet")
    table = pq.read_table(tmp_path / "c.parquet")
    assert table.num_rows == sum(r["size"] for r in full.records)
    row = table.slice(1, 1).to_pylist()[0]
    assert row["role"] == "copy" and isinstance(json.loads(row["links"]), list)


@pytest.mark.parametrize("lexical", [False, True])
def test_two_worker_processes_give_the_same_clusters(
    full, lexical: bool, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import retold.engines.local as local

    monkeypatch.setattr(local, "PARALLEL_VERIFY_MIN", 1)  # verify in the workers too
    cfg = DedupConfig(batch_size=8, lexical_only=lexical)
    one = full if not lexical else run_dedup(read_corpus(DEMO), cfg)
    two = run_dedup(read_corpus(DEMO), cfg, workers=2)
    assert two.stats["workers"] == 2
    assert json.dumps(two.records) == json.dumps(one.records)
    assert two.candidates == one.candidates


class _Recorder:
    """Progress that records each stage's total and how far it got."""

    def __init__(self) -> None:
        self.stages: dict[str, list[int | None]] = {}

    @contextmanager
    def task(self, name: str, total: int | None = None) -> Iterator[object]:
        state: list[int | None] = [total, 0]
        self.stages[name] = state

        class _T:
            def advance(self, n: int = 1) -> None:
                state[1] = (state[1] or 0) + n

        yield _T()


def test_every_stage_reports_a_total_and_reaches_it() -> None:
    rec = _Recorder()
    docs = list(read_corpus(DEMO))
    result = run_dedup(docs, DedupConfig(lexical_only=True), rec)
    assert set(rec.stages) == {"segment, fingerprint", "candidates", "verify", "cluster"}
    for name, (total, done) in rec.stages.items():
        assert total is not None, name
        assert done == total or (name == "verify" and done <= total), name
    assert rec.stages["segment, fingerprint"][0] == len(docs)
    assert rec.stages["verify"][0] == result.stats["candidates"]
    streamed = _Recorder()
    run_dedup(iter(docs), DedupConfig(lexical_only=True), streamed, total=len(docs))
    assert streamed.stages["segment, fingerprint"] == [len(docs), len(docs)]


def test_documents_are_counted_for_the_bar_when_that_is_cheap(tmp_path: Path) -> None:
    assert count_documents(DEMO) == 40
    gz = tmp_path / "c.jsonl.gz"
    gz.write_bytes(gzip.compress(DEMO.read_bytes()))
    assert count_documents(gz) is None  # would mean reading it whole
    folder = tmp_path / "articles"
    folder.mkdir()
    for k in range(3):
        (folder / f"{k}.txt").write_text(f"Story {k} is here. It has two sentences.")
    (folder / "README.md").write_text("About this folder.")
    assert count_documents(folder) == 3


def test_workers_verify_copies_of_one_text_once_and_report_each_pair_as_in_process() -> None:
    from retold.collection.verify import LexicalComparer, verify
    from retold.documents import Document
    from retold.engines.local import verify_in_workers
    from retold.segment import segment

    story = "The mill closed after ninety years. Its last owner sold the land to the town."
    docs = [Document("wire", story), Document("empty", "")]
    docs += [Document(f"paper{k}", story if k % 2 else story + " It rained.") for k in range(8)]
    pairs = [(0, k) for k in range(1, len(docs))] + [(2, 3), (4, 5)]
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    got = list(verify_in_workers(pairs, docs, None, offsets, workers=2, model=None))
    want = list(verify(pairs, [segment(d) for d in docs], LexicalComparer()))
    assert [(e.i, e.j) for e in got] == [(e.i, e.j) for e in want]  # "empty" is left out
    assert [(e.comparison.a.id, e.comparison.b.id) for e in got] == [
        (docs[e.i].id, docs[e.j].id) for e in want
    ]
    assert [e.comparison.verdict for e in got] == [e.comparison.verdict for e in want]

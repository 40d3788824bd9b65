"""An LLM-style rewrite (condensed, merged, restyled, with added commentary) in a collection."""

from __future__ import annotations

from pathlib import Path

from retold.documents import Document
from retold.engines.local import DedupConfig, run_dedup
from retold.readers import read_corpus

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "src" / "retold" / "data" / "demo" / "corpus.jsonl"
LLM = ROOT / "tests" / "fixtures" / "llm"


def test_a_condensed_restyled_copy_is_found_and_verified_like_any_other() -> None:
    docs = list(read_corpus(DEMO))
    docs.append(Document("tram-source", (LLM / "source.txt").read_text(encoding="utf-8")))
    docs.append(Document("tram-rewrite", (LLM / "rewrite.txt").read_text(encoding="utf-8")))
    result = run_dedup(docs, DedupConfig())
    proposed = {(a, b): verdict for a, b, _, verdict in result.candidates}
    assert proposed.get(("tram-source", "tram-rewrite")) == "rewrite"
    (cluster,) = [r for r in result.records if "tram-rewrite" in {m["id"] for m in r["members"]}]
    assert {m["id"] for m in cluster["members"]} == {"tram-source", "tram-rewrite"}
    assert cluster["source"] == "tram-source"

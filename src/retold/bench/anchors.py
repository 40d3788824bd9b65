"""The MinHash tools retold is measured against, run in the same process on the same corpus.

Each anchor builds MinHash signatures of word 5-gram shingles (128 permutations) and finds
candidate pairs with LSH at Jaccard 0.5, as retold's ``minhash`` and ``candidates`` stages do:

- ``datasketch``: ``MinHash`` + ``MinHashLSH`` (pure Python/numpy);
- ``rensa``: ``RMinHash`` + ``RMinHashLSH`` (Rust);
- ``datatrove``: its ``MinhashDedupSignature`` -> ``MinhashDedupBuckets`` -> ``MinhashDedupCluster``
  stages on a local executor, reading the JSONL corpus and writing their files to disk, so it is
  set against retold's read + minhash + candidates.

An anchor that is not installed is reported as skipped, never as a failure.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.bench.memory import PeakMemory
from retold.documents import Document

ANCHORS = ("datasketch", "rensa", "datatrove")
NUM_PERM = 128
THRESHOLD = 0.5
NGRAM = 5
# which of retold's stages each anchor does the work of
COUNTERPART = {
    "datasketch": ("minhash", "candidates"),
    "rensa": ("minhash", "candidates"),
    "datatrove": ("read", "minhash", "candidates"),
}


@dataclass
class AnchorTiming:
    """One anchor on one corpus size (``skipped`` says why it did not run)."""

    anchor: str
    seconds: float = 0.0
    peak_mb: float = 0.0
    growth_mb: float = 0.0
    pairs: int = 0
    skipped: str = ""

    def to_dict(self) -> dict[str, Any]:
        if self.skipped:
            return {"anchor": self.anchor, "skipped": self.skipped}
        return {
            "anchor": self.anchor,
            "seconds": round(self.seconds, 4),
            "peak_rss_mb": round(self.peak_mb, 1),
            "growth_mb": round(self.growth_mb, 1),
            "candidate_pairs": self.pairs,
            "counterpart": list(COUNTERPART[self.anchor]),
        }


def installed(name: str) -> bool:
    """Whether the anchor's package can be imported."""
    return importlib.util.find_spec(name) is not None


def _shingles(text: str) -> list[str]:
    toks = text.lower().split()
    if len(toks) <= NGRAM:
        return [" ".join(toks)] if toks else []
    return [" ".join(toks[i : i + NGRAM]) for i in range(len(toks) - NGRAM + 1)]


def _datasketch(documents: Sequence[Document], workdir: Path) -> int:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    sigs = []
    for k, d in enumerate(documents):
        m = MinHash(num_perm=NUM_PERM, seed=1)
        m.update_batch([s.encode("utf-8") for s in _shingles(d.text)])
        lsh.insert(k, m)
        sigs.append(m)
    return _count_pairs(lsh, sigs)


def _count_pairs(lsh: Any, sigs: Sequence[Any]) -> int:
    """Distinct document pairs an LSH index proposes, querying it with every signature."""
    pairs = set()
    for k, m in enumerate(sigs):
        for other in lsh.query(m):
            if other != k:
                pairs.add((min(k, other), max(k, other)))
    return len(pairs)


def _rensa(documents: Sequence[Document], workdir: Path) -> int:
    from rensa import RMinHash, RMinHashLSH

    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=16)
    sigs = []
    for k, d in enumerate(documents):
        m = RMinHash(num_perm=NUM_PERM, seed=42)
        m.update(_shingles(d.text))
        lsh.insert(k, m)
        sigs.append(m)
    return _count_pairs(lsh, sigs)


def whitespace_tokenizer(language: str = "en") -> Any:
    """A datatrove word tokenizer that splits at spaces (datatrove's English one needs spaCy;
    its text simplification already strips punctuation, so the words are mostly the same)."""
    from datatrove.utils.word_tokenizers import WordTokenizer

    class Whitespace(WordTokenizer):
        def word_tokenize(self, text: str) -> list[str]:
            return text.split()

        def sent_tokenize(self, text: str) -> list[str]:
            return [text]

        def span_tokenize(self, text: str) -> list[tuple[int, int]]:
            return [(0, len(text))]

    return Whitespace(language)


def _datatrove(documents: Sequence[Document], workdir: Path) -> int:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from loguru import logger

    logger.remove()
    corpus = workdir / "corpus.jsonl"
    if not corpus.exists():
        from retold.bench.stages import write_jsonl

        write_jsonl(documents, corpus)
    # 16 buckets of 8 hashes = 128 permutations, datatrove's way of writing bands x rows
    config = MinhashConfig(n_grams=NGRAM, num_buckets=16, hashes_per_bucket=8)
    base = workdir / "datatrove"
    steps: list[list[Any]] = [
        [
            JsonlReader(str(workdir), glob_pattern="corpus.jsonl"),
            # datatrove's English tokenizer needs spaCy; whitespace splitting is what the other
            # anchors do
            MinhashDedupSignature(
                output_folder=str(base / "sigs"), config=config, language=whitespace_tokenizer()
            ),
        ],
        [
            MinhashDedupBuckets(
                input_folder=str(base / "sigs"), output_folder=str(base / "buckets"), config=config
            )
        ],
        [
            MinhashDedupCluster(
                input_folder=str(base / "buckets"),
                output_folder=str(base / "remove"),
                config=config,
            )
        ],
    ]
    for k, pipeline in enumerate(steps):
        tasks = config.num_buckets if k == 1 else 1
        LocalPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks,
            workers=1,
            logging_dir=str(base / f"logs{k}"),
            skip_completed=False,
        ).run()
    # the bucket stage writes one record per duplicate pair found; count its output files' size
    dups = sum(f.stat().st_size for f in (base / "buckets").glob("*.dups")) // 16
    return int(dups)


_RUNNERS: dict[str, Callable[[Sequence[Document], Path], int]] = {
    "datasketch": _datasketch,
    "rensa": _rensa,
    "datatrove": _datatrove,
}


def run_anchor(name: str, documents: Sequence[Document], workdir: Path) -> AnchorTiming:
    """Time one anchor; report it skipped when its package is not installed."""
    if name not in _RUNNERS:
        raise ValueError(f"unknown anchor {name!r}: choose from {', '.join(ANCHORS)}")
    if not installed(name):
        return AnchorTiming(name, skipped="not installed (pip install 'retold[bench]')")
    logging.getLogger("datatrove").setLevel(logging.ERROR)
    with PeakMemory() as mem:
        pairs = _RUNNERS[name](documents, workdir)
    return AnchorTiming(name, mem.seconds, mem.peak_mb, mem.growth_mb, pairs)

"""``retold bench``: build corpora of several sizes, time retold's stages and the anchors.

The record written to ``bench.json``::

    {"retold_version", "python", "platform", "cpus", "model", "corpus", "sizes": [
        {"documents", "characters", "stages": [StageTiming...], "anchors": [AnchorTiming...],
         "ratios": {"<anchor>": retold seconds / anchor seconds over the same work}}]}

A ratio below 1 means retold was faster than the anchor on that work.
"""

from __future__ import annotations

import contextlib
import io
import os
import platform
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retold import __version__
from retold.bench.anchors import COUNTERPART, AnchorTiming, run_anchor
from retold.bench.stages import STAGES, StageTiming, run_stages
from retold.bench.synth import SynthConfig, generate
from retold.documents import Document
from retold.errors import InputError


@dataclass
class SizeResult:
    """All timings for one corpus size."""

    documents: int
    characters: int
    stages: list[StageTiming] = field(default_factory=list)
    anchors: list[AnchorTiming] = field(default_factory=list)

    def ratios(self) -> dict[str, float]:
        """retold's time over each anchor's time, on the stages the anchor does the work of."""
        by_stage = {s.stage: s.seconds for s in self.stages}
        out = {}
        for a in self.anchors:
            if a.skipped or a.seconds <= 0:
                continue
            parts = COUNTERPART[a.anchor]
            if all(p in by_stage for p in parts):
                out[a.anchor] = sum(by_stage[p] for p in parts) / a.seconds
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "characters": self.characters,
            "stages": [s.to_dict() for s in self.stages],
            "anchors": [a.to_dict() for a in self.anchors],
            "ratios": {k: round(v, 3) for k, v in self.ratios().items()},
        }


def seed_sentences(path: Path, limit: int = 200_000) -> tuple[list[Document], list[str]]:
    """Documents and sentences of a user's corpus, to seed the generator with real text."""
    from retold.readers.corpus import read_corpus
    from retold.segment import segment

    docs = list(read_corpus(path, on_skip=lambda *_: None))
    if not docs:
        raise InputError(f"{path}: no documents to build a benchmark corpus from")
    sentences: list[str] = []
    for d in docs:
        sentences.extend(s.text for s in segment(d).sentences if len(s.text.split()) >= 4)
        if len(sentences) >= limit:
            break
    return docs, sentences


def build_corpus(
    size: int, real: Sequence[Document] = (), sentences: Sequence[str] = (), seed: int = 13
) -> list[Document]:
    """``size`` documents: the real ones first, then generated ones (from their sentences)."""
    docs = list(real[:size])
    if len(docs) < size:
        docs.extend(generate(size - len(docs), SynthConfig(seed=seed), seed_sentences=sentences))
    return docs


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "retold_version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def run_bench(
    sizes: Sequence[int],
    *,
    corpus: Path | None = None,
    anchors: Sequence[str] = ("datasketch", "rensa", "datatrove"),
    model: str = "fast",
    max_pairs: int = 2000,
    stages: Sequence[str] = STAGES,
    seed: int = 13,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Time every stage and anchor at each size; return the JSON-ready record."""
    say = log or (lambda _msg: None)
    real: list[Document] = []
    sentences: list[str] = []
    if corpus is not None:
        real, sentences = seed_sentences(corpus)
        say(f"seed corpus: {len(real)} documents, {len(sentences)} sentences")
    results = []
    for size in sizes:
        docs = build_corpus(size, real, sentences, seed)
        res = SizeResult(size, sum(len(d.text) for d in docs))
        with tempfile.TemporaryDirectory(prefix="retold-bench-") as tmp:
            work = Path(tmp)

            def report(t: StageTiming, size: int = size) -> None:
                say(
                    f"{size:>7} docs  {t.stage:<10} {t.seconds:8.2f} s  "
                    f"{t.rate:10.0f} {t.unit}/s  peak {t.peak_mb:7.0f} MB  {t.note}"
                )

            res.stages = run_stages(
                docs, work, model=model, max_pairs=max_pairs, stages=stages, on_stage=report
            )
            for name in anchors:
                # anchors print their own progress; keep the terminal to retold's lines
                with (
                    contextlib.redirect_stdout(io.StringIO()),
                    contextlib.redirect_stderr(io.StringIO()),
                ):
                    timing = run_anchor(name, docs, work)
                res.anchors.append(timing)
                if timing.skipped:
                    say(f"{size:>7} docs  {name:<10} skipped: {timing.skipped}")
                else:
                    say(
                        f"{size:>7} docs  {name:<10} {timing.seconds:8.2f} s  "
                        f"peak {timing.peak_mb:7.0f} MB  {timing.pairs} candidate pairs"
                    )
        for name, ratio in res.ratios().items():
            say(f"{size:>7} docs  retold/{name} = {ratio:.2f} ({' + '.join(COUNTERPART[name])})")
        results.append(res)
    return {
        **machine(),
        "model": model,
        "corpus": str(corpus) if corpus else "synthetic",
        "max_pairs": max_pairs,
        "sizes": [r.to_dict() for r in results],
    }

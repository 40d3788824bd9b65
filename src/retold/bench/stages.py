"""retold's own pipeline stages, timed one by one on an in-memory corpus.

Stages run in pipeline order: read (a JSONL file written beforehand), segment, MinHash
signatures, LSH candidates, embed (every sentence with the chosen model), align (compare the
candidate pairs, at most ``max_pairs`` of them), cluster (connected components of the pairs
judged reuse). Each stage reports seconds, items per second and peak resident memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from retold.bench.memory import PeakMemory
from retold.documents import Document, Segmented


@dataclass
class StageTiming:
    """One stage on one corpus size."""

    stage: str
    seconds: float
    items: int
    unit: str
    peak_mb: float
    growth_mb: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else float("inf")

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "seconds": round(self.seconds, 4),
            "items": self.items,
            "unit": self.unit,
            "per_second": round(self.rate, 1) if self.seconds > 0 else None,
            "peak_rss_mb": round(self.peak_mb, 1),
            "growth_mb": round(self.growth_mb, 1),
            "note": self.note,
        }


@dataclass
class PipelineState:
    """What the stages hand each other."""

    path: Path
    documents: list[Document] = field(default_factory=list)
    segmented: list[Segmented] = field(default_factory=list)
    signatures: Any = None
    pairs: list[tuple[int, int]] = field(default_factory=list)
    vectors: dict[int, Any] = field(default_factory=dict)
    comparisons: list[tuple[int, int, Any]] = field(default_factory=list)
    clusters: list[list[int]] = field(default_factory=list)


def write_jsonl(documents: Sequence[Document], path: Path) -> None:
    """Write documents as a JSONL corpus (the input of the read stage)."""
    with path.open("w", encoding="utf-8") as fh:
        for d in documents:
            fh.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")


def candidate_pairs(band_keys: Any, max_bucket: int = 200) -> list[tuple[int, int]]:
    """Document pairs sharing at least one LSH band key (buckets above ``max_bucket`` skipped).

    Example:
        >>> import numpy as np
        >>> candidate_pairs(np.array([[1, 5], [1, 6], [2, 6]]))
        [(0, 1), (1, 2)]
    """
    keys = np.asarray(band_keys)
    found: set[tuple[int, int]] = set()
    for band in range(keys.shape[1]):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")
        sorted_keys = column[order]
        edges = np.flatnonzero(np.diff(sorted_keys)) + 1
        for run in np.split(order, edges):
            if 1 < len(run) <= max_bucket:
                members = sorted(int(x) for x in run)
                for x in range(len(members)):
                    for y in range(x + 1, len(members)):
                        found.add((members[x], members[y]))
    return sorted(found)


def components(n: int, pairs: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Connected components with two or more members (union-find with path halving).

    Example:
        >>> components(5, [(0, 1), (1, 2), (3, 4)])
        [[0, 1, 2], [3, 4]]
    """
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in pairs:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    groups: dict[int, list[int]] = {}
    for x in range(n):
        groups.setdefault(find(x), []).append(x)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g[0]))


def _read(state: PipelineState) -> tuple[int, str, str]:
    from retold.readers.corpus import read_corpus

    state.documents = list(read_corpus(state.path))
    return len(state.documents), "docs", ""


def _segment(state: PipelineState) -> tuple[int, str, str]:
    from retold.segment import segment

    state.segmented = [segment(d) for d in state.documents]
    return len(state.segmented), "docs", ""


def _minhash(state: PipelineState) -> tuple[int, str, str]:
    from retold.collection.fingerprints import MinHashConfig, signatures

    state.signatures = signatures((d.text for d in state.documents), MinHashConfig())
    return len(state.documents), "docs", "rensa RMinHash over word 5-gram shingles, 128 perms"


def _candidates(state: PipelineState) -> tuple[int, str, str]:
    from retold.collection.fingerprints import LSHConfig, band_keys

    keys = band_keys(state.signatures, LSHConfig(threshold=0.5))
    try:
        from retold.collection.candidates import Candidates, lexical_candidates
    except ImportError:
        state.pairs = candidate_pairs(keys)
        how = "bench bucketing"
    else:
        found = lexical_candidates(keys, Candidates())
        state.pairs = [(c.a, c.b) for c in cast(Iterable[Any], found)]
        how = "retold.collection.candidates"
    return len(state.documents), "docs", f"{len(state.pairs)} candidate pairs (LSH 0.5, {how})"


def _embed_stage(model: str, max_pairs: int) -> Callable[[PipelineState], tuple[int, str, str]]:
    def run(state: PipelineState) -> tuple[int, str, str]:
        from retold.models import get_embedder

        embedder = get_embedder(model)
        needed = {i for pair in state.pairs[:max_pairs] for i in pair}
        texts: list[str] = []
        bounds: list[tuple[int, int, int]] = []
        for k, seg in enumerate(state.segmented):
            bounds.append((k, len(texts), len(texts) + len(seg.sentences)))
            texts.extend(s.text for s in seg.sentences)
        chunk = 8192
        # embed in chunks and keep only the vectors the align stage needs: all of them would
        # not fit in memory at 100k documents
        done = 0
        kept: dict[int, Any] = {}
        b = 0
        for lo in range(0, len(texts), chunk):
            vecs = embedder.encode(texts[lo : lo + chunk])
            hi = lo + len(vecs)
            while b < len(bounds) and bounds[b][2] <= hi:
                k, s, e = bounds[b]
                if k in needed and s >= lo:
                    kept[k] = vecs[s - lo : e - lo].copy()
                elif k in needed:
                    kept[k] = embedder.encode(texts[s:e])
                b += 1
            done = hi
        state.vectors = kept
        return done, "sentences", f"model {model}"

    return run


def _align_stage(model: str, max_pairs: int) -> Callable[[PipelineState], tuple[int, str, str]]:
    def run(state: PipelineState) -> tuple[int, str, str]:
        from retold.pair.compare import Comparer

        comparer = Comparer(model)
        pairs = state.pairs[:max_pairs]
        state.comparisons = []
        for i, j in pairs:
            c = comparer.compare_segmented(
                state.segmented[i], state.segmented[j], state.vectors.get(i), state.vectors.get(j)
            )
            state.comparisons.append((i, j, c))
        reuse = sum(c.verdict.is_reuse for _, _, c in state.comparisons)
        skipped = len(state.pairs) - len(pairs)
        note = f"{reuse} reuse pairs"
        if skipped > 0:
            note += f"; first {len(pairs)} of {len(state.pairs)} candidate pairs"
        return len(pairs), "pairs", note

    return run


def _cluster(state: PipelineState) -> tuple[int, str, str]:
    try:
        from retold.collection.cluster import build_clusters
        from retold.collection.verify import Edge
    except ImportError:
        reuse = [(i, j) for i, j, c in state.comparisons if c.verdict.is_reuse]
        state.clusters = components(len(state.documents), reuse)
        how = "bench union-find"
    else:
        edges = [Edge(i, j, c) for i, j, c in state.comparisons]
        clusters = build_clusters(len(state.documents), edges, state.documents, lambda i, j: None)
        state.clusters = [[c.source, *(m for m, *_ in c.copies)] for c in clusters]
        how = "retold.collection.cluster"
    return len(state.comparisons), "pairs", f"{len(state.clusters)} clusters ({how})"


STAGES = ("read", "segment", "minhash", "candidates", "embed", "align", "cluster")


def run_stages(
    documents: Sequence[Document],
    workdir: Path,
    *,
    model: str = "fast",
    max_pairs: int = 2000,
    stages: Sequence[str] = STAGES,
    on_stage: Callable[[StageTiming], None] | None = None,
) -> list[StageTiming]:
    """Write the corpus to ``workdir``, then time each stage in order."""
    path = workdir / "corpus.jsonl"
    write_jsonl(documents, path)
    state = PipelineState(path)
    table: dict[str, Callable[[PipelineState], tuple[int, str, str]]] = {
        "read": _read,
        "segment": _segment,
        "minhash": _minhash,
        "candidates": _candidates,
        "embed": _embed_stage(model, max_pairs),
        "align": _align_stage(model, max_pairs),
        "cluster": _cluster,
    }
    if model:
        # load the model before timing so the embed stage measures encoding, not start-up
        from retold.models import get_embedder

        get_embedder(model)
    out = []
    for name in STAGES:
        if name not in stages:
            continue
        with PeakMemory() as mem:
            items, unit, note = table[name](state)
        timing = StageTiming(name, mem.seconds, items, unit, mem.peak_mb, mem.growth_mb, note)
        out.append(timing)
        if on_stage is not None:
            on_stage(timing)
    return out

"""The in-process engine: read, segment, fingerprint, embed, find candidates, verify, cluster.

Every stage is a pure function over a typed batch; ``run_dedup`` only chains them and reports
progress. Sentence vectors are computed once per document (float16 to halve memory) and
reused both for semantic candidates and for verification, so no pair is embedded twice.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from collections.abc import Sequence as SequenceABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retold.candidates import (
    CandidateConfig,
    Candidates,
    lexical_candidates,
    semantic_candidates,
    sentence_hash_candidates,
)
from retold.cluster import Cluster, build_clusters, cluster_record
from retold.documents import Comparison, Document, Segmented, SentenceKind
from retold.engines import NullProgress, Progress, batched
from retold.errors import ConfigError, InputError
from retold.fingerprints import (
    LSHConfig,
    MinHashConfig,
    band_keys,
    signatures,
    token_signatures,
)
from retold.models import Embedder
from retold.normalize import _WORD as WORD  # the tokeniser behind normalize.words
from retold.normalize import fold
from retold.segment import segment
from retold.verify import Edge, LexicalComparer, PairComparer, verify


@dataclass(frozen=True)
class DedupConfig:
    """Everything that tunes a dedup run.

    Attributes:
        minhash: Signature parameters.
        lsh: Banding parameters (``lsh.num_perm`` must equal ``minhash.num_perm``).
        candidates: Limits of the candidate signals.
        model: Embedding model name (``fast`` or ``accurate``).
        lexical_only: MinHash and sentence-hash candidates verified by wording alone; no model.
        batch_size: Documents per batch in the per-document stages.
    """

    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    lsh: LSHConfig = field(default_factory=LSHConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    model: str = "fast"
    lexical_only: bool = False
    batch_size: int = 1024

    def __post_init__(self) -> None:
        if self.lsh.num_perm != self.minhash.num_perm:
            raise ConfigError(
                f"lsh.num_perm ({self.lsh.num_perm}) must equal minhash.num_perm"
                f" ({self.minhash.num_perm})"
            )
        if self.batch_size < 1:
            raise ConfigError("batch_size must be >= 1")


@dataclass
class PreparedBatch:
    """Per-document stage output for one batch of documents."""

    segs: list[Segmented]
    sigs: npt.NDArray[np.uint32]
    counts: npt.NDArray[np.int64]
    hashes: npt.NDArray[np.int64]
    usable: npt.NDArray[np.bool_]


def sentence_hash(text: str) -> int:
    """Stable signed 64-bit hash of a sentence's folded text."""
    digest = hashlib.blake2b(fold(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


_QUICK_SPLIT = re.compile(r"(?<=[.!?])[\"')]? ")


def prepare_batch(
    docs: Sequence[Document],
    minhash: MinHashConfig,
    candidates: CandidateConfig,
    *,
    segmented: bool = True,
) -> PreparedBatch:
    """Segment, fingerprint and hash the sentences of a batch of documents.

    With ``segmented=False`` (lexical-only runs) sentences are hashed after a quick split at
    sentence punctuation and no ``Segmented`` is built: only candidate pairs are segmented
    later, when they are verified.
    """
    hashes, usable = [], []
    if segmented:
        sigs = signatures((d.text for d in docs), minhash)
        segs = [segment(d) for d in docs]
        counts = np.array([len(s.sentences) for s in segs], dtype=np.int64)
        for seg in segs:
            for s in seg.sentences:
                hashes.append(sentence_hash(s.text))
                usable.append(
                    s.kind == SentenceKind.BODY and len(s.text.split()) >= candidates.min_words
                )
    else:
        segs = []
        n_per_doc = []
        tokens = []
        for d in docs:
            folded = fold(d.text)  # once per document: tokens and sentence hashes share it
            tokens.append(WORD.findall(folded))
            pieces = [p for p in _QUICK_SPLIT.split(folded) if p]
            n_per_doc.append(len(pieces))
            for p in pieces:
                digest = hashlib.blake2b(p.encode("utf-8"), digest_size=8).digest()
                hashes.append(int.from_bytes(digest, "little", signed=True))
                usable.append(p.count(" ") + 1 >= candidates.min_words)
        sigs = token_signatures(tokens, minhash)
        counts = np.array(n_per_doc, dtype=np.int64)
    return PreparedBatch(
        segs,
        sigs,
        counts,
        np.array(hashes, dtype=np.int64),
        np.array(usable, dtype=bool),
    )


def embed_batch(segs: Sequence[Segmented], embedder: Embedder) -> npt.NDArray[np.float16]:
    """Unit sentence vectors of a batch, in document then sentence order, as float16."""
    texts = [s.text for seg in segs for s in seg.sentences]
    return embedder.encode(texts).astype(np.float16)


class LazySegments(SequenceABC[Segmented]):
    """Documents segmented on first access (lexical-only runs verify few of them)."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self._docs = docs
        self._cache: dict[int, Segmented] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def __getitem__(self, i: int) -> Segmented:  # type: ignore[override]
        seg = self._cache.get(i)
        if seg is None:
            seg = self._cache[i] = segment(self._docs[i])
        return seg


def find_candidates(
    keys: npt.NDArray[np.int64],
    hashes: npt.NDArray[np.int64],
    usable: npt.NDArray[np.bool_],
    offsets: npt.NDArray[np.int64],
    vectors: npt.NDArray[np.float16] | None,
    config: CandidateConfig,
) -> Candidates:
    """All three candidate signals over the prepared corpus."""
    out = Candidates()
    lexical_candidates(keys, out, config)
    doc_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    sentence_hash_candidates(hashes[usable], doc_of[usable], out, config)
    if vectors is not None:
        semantic_candidates(vectors, offsets, usable, out, config)
    return out


@dataclass
class DedupResult:
    """What a dedup run returns.

    Attributes:
        docs: Documents by position.
        clusters: Clusters, largest first.
        records: The clusters.jsonl records.
        stats: Counts and seconds per stage.
        candidates: Every verified pair as ``(id_a, id_b, signals, verdict)``.
    """

    docs: list[Document]
    clusters: list[Cluster]
    records: list[dict[str, Any]]
    stats: dict[str, Any]
    candidates: list[tuple[str, str, tuple[str, ...], str]] = field(default_factory=list)

    def verdict_counts(self) -> dict[str, int]:
        """Copies per verdict across all clusters."""
        c: Counter[str] = Counter()
        for rec in self.records:
            for m in rec["members"][1:]:
                c[m["verdict"]] += 1
        return dict(c.most_common())


def run_dedup(
    documents: Iterable[Document],
    config: DedupConfig | None = None,
    progress: Progress | None = None,
    comparer: PairComparer | None = None,
) -> DedupResult:
    """Find every cluster of copies among ``documents``.

    Args:
        documents: The collection (ids must be unique; the readers guarantee it).
        config: Parameters; defaults find lexical and paraphrase reuse with the fast model.
        progress: Where to report progress (nothing by default).
        comparer: Verifier to use instead of the one the config implies (tests).

    Example:
        >>> from retold.documents import Document
        >>> docs = [Document("x", "A dam burst at dawn on Monday. Water filled the valley below."),
        ...         Document("y", "A dam burst at dawn on Monday. Water filled the valley below."),
        ...         Document("z", "Prices of wheat rose again in the spring market this year.")]
        >>> r = run_dedup(docs, DedupConfig(lexical_only=True))
        >>> [(rec["source"], [m["id"] for m in rec["members"]]) for rec in r.records]
        [('x', ['x', 'y'])]
    """
    cfg = config or DedupConfig()
    prog = progress or NullProgress()
    seconds: dict[str, float] = {}
    embedder = None
    if not cfg.lexical_only:
        from retold.models import get_embedder

        embedder = get_embedder(cfg.model)

    docs: list[Document] = []
    segmented: list[Segmented] = []
    sigs, counts, hashes, usable, vecs = [], [], [], [], []
    t0 = time.perf_counter()
    t_embed = 0.0
    with prog.task("read, segment, fingerprint" + ("" if embedder is None else ", embed")) as t:
        for batch in batched(documents, cfg.batch_size):
            prep = prepare_batch(batch, cfg.minhash, cfg.candidates, segmented=embedder is not None)
            docs.extend(batch)
            segmented.extend(prep.segs)
            sigs.append(prep.sigs)
            counts.append(prep.counts)
            hashes.append(prep.hashes)
            usable.append(prep.usable)
            if embedder is not None:
                te = time.perf_counter()
                vecs.append(embed_batch(prep.segs, embedder))
                t_embed += time.perf_counter() - te
            t.advance(len(batch))
    seconds["prepare"] = time.perf_counter() - t0 - t_embed
    seconds["embed"] = t_embed
    n = len(docs)
    segs: Sequence[Segmented] = segmented if embedder is not None else LazySegments(docs)
    width = cfg.minhash.num_perm
    sig_arr = np.concatenate(sigs) if sigs else np.zeros((0, width), np.uint32)
    all_counts = np.concatenate(counts) if counts else np.zeros(0, np.int64)
    offsets: npt.NDArray[np.int64] = np.concatenate(([0], np.cumsum(all_counts))).astype(np.int64)
    hash_arr = np.concatenate(hashes) if hashes else np.zeros(0, np.int64)
    usable_arr = np.concatenate(usable) if usable else np.zeros(0, bool)
    vectors = None
    if embedder is not None:
        vectors = np.concatenate(vecs) if vecs else np.zeros((0, embedder.dim), np.float16)
        vecs.clear()  # the batches are copied: free them before the candidate stage

    t0 = time.perf_counter()
    with prog.task("candidates") as t:
        cands = find_candidates(
            band_keys(sig_arr, cfg.lsh), hash_arr, usable_arr, offsets, vectors, cfg.candidates
        )
        t.advance(1)
    seconds["candidates"] = time.perf_counter() - t0

    verifier: PairComparer
    if comparer is not None:
        verifier = comparer
    elif embedder is None:
        verifier = LexicalComparer()
    else:
        from retold.compare import Comparer

        verifier = Comparer(embedder)

    def vectors_of(i: int) -> npt.NDArray[np.float32] | None:
        if vectors is None:
            return None
        return vectors[offsets[i] : offsets[i + 1]].astype(np.float32)

    t0 = time.perf_counter()
    edges: list[Edge] = []
    with prog.task("verify", len(cands)) as t:
        for e in verify(((c.a, c.b) for c in cands), segs, verifier, vectors_of):
            edges.append(e)
            t.advance(1)
    seconds["verify"] = time.perf_counter() - t0

    def compare(i: int, j: int) -> Comparison | None:
        if not segs[i].sentences or not segs[j].sentences:
            return None
        return verifier.compare_segmented(segs[i], segs[j], vectors_of(i), vectors_of(j))

    t0 = time.perf_counter()
    with prog.task("cluster") as t:
        clusters = build_clusters(n, edges, docs, compare)
        records = [cluster_record(k, c, docs) for k, c in enumerate(clusters)]
        t.advance(1)
    seconds["cluster"] = time.perf_counter() - t0
    stats = {
        "documents": n,
        "sentences": int(offsets[-1]) if n else 0,
        "candidates": len(cands),
        "candidates_by_signal": cands.counts(),
        "reuse_edges": sum(1 for e in edges if e.comparison.verdict.is_reuse),
        "clusters": len(clusters),
        "clustered_documents": sum(c.size for c in clusters),
        "lsh": {"threshold": cfg.lsh.threshold, "bands": cfg.lsh.bands, "rows": cfg.lsh.rows},
        "mode": "lexical-only" if cfg.lexical_only else f"full ({cfg.model})",
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
    }
    verdicts = {(e.i, e.j): str(e.comparison.verdict) for e in edges}
    verified = [
        (docs[c.a].id, docs[c.b].id, tuple(sorted(c.signals)), verdicts.get((c.a, c.b), ""))
        for c in cands
    ]
    return DedupResult(docs, clusters, records, stats, verified)


def write_clusters(records: Sequence[dict[str, Any]], path: str | Path, fmt: str = "jsonl") -> None:
    """Write cluster records as JSONL (one cluster a line) or Parquet (one member a row).

    The file is written under a temporary name and renamed, so a reader never sees half a file.
    """
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder of {out}: {exc.strerror}") from None
    tmp = out.with_name(out.name + ".tmp")
    if fmt == "jsonl":
        with tmp.open("w", encoding="utf-8") as f:
            for rec in records:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = []
        nested = ("coverage", "direction", "links", "source_only", "copy_only", "changes")
        for rec in records:
            for m in rec["members"]:
                row: dict[str, Any] = {
                    "cluster": rec["cluster"],
                    "source": rec["source"],
                    "size": rec["size"],
                    "id": m["id"],
                    "role": m["role"],
                    "title": m["title"],
                    "published": m["published"],
                    "url": m["url"],
                    "verdict": m.get("verdict"),
                    "similarity": m.get("similarity"),
                    "via": m.get("via"),
                }
                for key in nested:
                    row[key] = json.dumps(m[key], ensure_ascii=False) if key in m else None
                rows.append(row)
        schema = pa.schema(
            [
                ("cluster", pa.int64()),
                ("source", pa.string()),
                ("size", pa.int64()),
                ("id", pa.string()),
                ("role", pa.string()),
                ("title", pa.string()),
                ("published", pa.string()),
                ("url", pa.string()),
                ("verdict", pa.string()),
                ("similarity", pa.float64()),
                ("via", pa.string()),
                *[(key, pa.string()) for key in nested],
            ]
        )
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
    else:
        raise ConfigError(f"unknown format {fmt!r}: choose jsonl or parquet")
    tmp.replace(out)

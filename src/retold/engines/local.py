"""The local engine: read, segment, fingerprint, embed, find candidates, verify, cluster.

Every stage is a pure function over a typed batch; ``run_dedup`` only chains them and reports
progress. The per-document stage and verification can run in worker processes of this
machine (``retold.engines.workers``); the rest runs in this process. Sentence vectors are
computed once per document (float16 to halve memory) and reused both for semantic candidates
and for verification, so no pair is embedded twice.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from collections.abc import Sequence as SequenceABC
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retold.collection.candidates import (
    CandidateConfig,
    Candidates,
    Rows,
    lexical_candidates,
    semantic_candidates,
    sentence_hash_candidates,
)
from retold.collection.cluster import Cluster, build_clusters, cluster_record
from retold.collection.fingerprints import LSHConfig, MinHashConfig, band_keys
from retold.collection.verify import Edge, LexicalComparer, PairComparer, SameTexts, verify
from retold.documents import Comparison, Document, Segmented
from retold.engines import NullProgress, Progress, batched
from retold.engines.prepare import (
    BatchCache,
    PrepareSpec,
    PrepareStats,
    atomic_write,
    prepare_all,
)
from retold.engines.spill import DocumentFile, VectorFile
from retold.errors import ConfigError, InputError
from retold.segment import segment


@dataclass(frozen=True)
class DedupConfig:
    """Everything that tunes a dedup run.

    Attributes:
        minhash: Signature parameters.
        lsh: Banding parameters (``lsh.num_perm`` must equal ``minhash.num_perm``).
        candidates: Limits of the candidate signals.
        model: Embedding model name (``fast`` or ``accurate``).
        lexical_only: MinHash and sentence-hash candidates verified by wording alone; no model.
        crosslingual: In full mode, identify each document's language and look for translated
            copies (``retold.collection.crosslingual``); off, no language is identified.
        batch_size: Documents per batch in the per-document stages.
    """

    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    lsh: LSHConfig = field(default_factory=LSHConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    model: str = "fast"
    lexical_only: bool = False
    crosslingual: bool = True
    batch_size: int = 1024

    def __post_init__(self) -> None:
        if self.lsh.num_perm != self.minhash.num_perm:
            raise ConfigError(
                f"lsh.num_perm ({self.lsh.num_perm}) must equal minhash.num_perm"
                f" ({self.minhash.num_perm})"
            )
        if self.batch_size < 1:
            raise ConfigError("batch_size must be >= 1")


class LazySegments(SequenceABC[Segmented]):
    """Documents segmented on access: only candidate pairs are verified, so only their
    documents are segmented again after the per-document stage. The last ``keep`` are kept
    (pairs come sorted, so a document's pairs mostly follow one another)."""

    def __init__(self, docs: Sequence[Document], keep: int = 4096) -> None:
        self._docs = docs
        self._keep = keep
        self._cache: OrderedDict[int, Segmented] = OrderedDict()

    def __len__(self) -> int:
        return len(self._docs)

    def __getitem__(self, i: int) -> Segmented:  # type: ignore[override]
        seg = self._cache.get(i)
        if seg is None:
            seg = self._cache[i] = segment(self._docs[i])
            if len(self._cache) > self._keep:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(i)
        return seg


def find_candidates(
    keys: npt.NDArray[np.int64],
    hashes: npt.NDArray[np.int64],
    usable: npt.NDArray[np.bool_],
    offsets: npt.NDArray[np.int64],
    vectors: Rows | None,
    config: CandidateConfig,
    advance: Callable[[int], None] | None = None,
    dvecs: npt.NDArray[np.float32] | None = None,
    threads: int = 1,
) -> Candidates:
    """All three candidate signals over the prepared corpus; ``advance(1)`` after each band
    of the LSH and each other signal. ``threads`` run the semantic sentence check."""
    step = advance or (lambda n: None)
    out = Candidates()
    lexical_candidates(keys, out, config, on_band=step)
    doc_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    sentence_hash_candidates(hashes[usable], doc_of[usable], out, config)
    step(1)
    if vectors is not None:
        semantic_candidates(vectors, offsets, usable, out, config, dvecs, threads)
        step(1)
    return out


PARALLEL_VERIFY_MIN = 512  # fewer pairs are verified in-process: starting workers costs seconds


def verify_in_workers(
    pairs: Sequence[tuple[int, int]],
    docs: Sequence[Document],
    vectors: Rows | None,
    offsets: npt.NDArray[np.int64],
    workers: int,
    model: str | None,
    chunk: int = 64,
) -> Iterator[Edge]:
    """``verify`` in worker processes, ``chunk`` pairs a task; edges come back in pair order.

    Pairs of the same two texts (copies of a syndicated story) go to the workers once; the
    others reuse that comparison with their own documents, as ``verify`` does in-process.
    """
    from retold.engines.workers import spawn_pool

    seen = SameTexts()
    firsts = [(i, j) for i, j in pairs if seen.claim(docs[i], docs[j])]

    def task(part: Sequence[tuple[int, int]]) -> tuple[Any, ...]:
        need = sorted({p for pair in part for p in pair})
        vecs = {p: None if vectors is None else vectors[offsets[p] : offsets[p + 1]] for p in need}
        return list(part), {p: docs[p] for p in need}, vecs

    def made() -> Iterator[Edge]:
        with spawn_pool(workers, model) as pool:
            pending: list[Future[list[Edge]]] = []
            for s in range(0, len(firsts), chunk):
                pending.append(pool.submit(_verify_chunk, *task(firsts[s : s + chunk])))
                while len(pending) > 4 * workers:
                    yield from pending.pop(0).result()
            while pending:
                yield from pending.pop(0).result()

    edges = made()
    nxt = next(edges, None)
    for i, j in pairs:
        if nxt is not None and (nxt.i, nxt.j) == (i, j):
            seen.put(nxt.comparison.a, nxt.comparison.b, nxt.comparison)
            yield nxt
            nxt = next(edges, None)
            continue
        known = seen.get(docs[i], docs[j])
        if known is not None:
            yield Edge(i, j, known)


def _verify_chunk(
    pairs: list[tuple[int, int]],
    docs: dict[int, Document],
    vecs: dict[int, npt.NDArray[np.float16] | None],
) -> list[Edge]:
    """One verification task in a worker process."""
    from retold.engines.workers import worker_comparer

    segs = {p: segment(d) for p, d in docs.items()}
    v32 = {p: None if v is None else v.astype(np.float32) for p, v in vecs.items()}
    return list(verify(pairs, segs, worker_comparer(), v32.get))  # type: ignore[arg-type]


def save_candidates(path: Path, corpus_key: str, cfg: DedupConfig, cands: Candidates) -> None:
    """Save the candidate pairs of a corpus (temporary name, then rename)."""
    arrays = {"key": np.array(_candidates_key(corpus_key, cfg)), **cands.to_arrays()}
    with atomic_write(path) as f:
        np.savez(f, allow_pickle=False, **arrays)


def load_candidates(path: Path, corpus_key: str, cfg: DedupConfig) -> Candidates | None:
    """Candidate pairs saved for the same corpus and settings, else None."""
    if not path.exists():
        return None
    try:
        with np.load(path) as z:
            if str(z["key"]) != _candidates_key(corpus_key, cfg):
                return None
            return Candidates.from_arrays({k: z[k] for k in ("a", "b", "signals", "shared")})
    except (OSError, ValueError, KeyError, EOFError):
        return None


def _candidates_key(corpus_key: str, cfg: DedupConfig) -> str:
    parts = [corpus_key, repr(cfg.lsh), repr(cfg.candidates), f"crosslingual={cfg.crosslingual}"]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


@dataclass
class DedupResult:
    """What a dedup run returns.

    Attributes:
        docs: Documents by position (read back from a file the run wrote them to).
        clusters: Clusters, largest first.
        records: The clusters.jsonl records.
        stats: Counts and seconds per stage.
        candidates: Every verified pair as ``(id_a, id_b, signals, verdict)``.
    """

    docs: Sequence[Document]
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
    *,
    workers: int = 1,
    work_dir: str | Path | None = None,
    on_skip: Callable[[str, str], None] | None = None,
    total: int | None = None,
) -> DedupResult:
    """Find every cluster of copies among ``documents``.

    Args:
        documents: The collection (ids must be unique; the readers guarantee it).
        config: Parameters; defaults find lexical and paraphrase reuse with the fast model.
        progress: Where to report progress (nothing by default).
        comparer: Verifier to use instead of the one the config implies (tests).
        workers: Processes for the per-document stage (segment, fingerprint, embed) and, from
            ``PARALLEL_VERIFY_MIN`` candidate pairs on, for verification; as many threads run
            the semantic sentence check. Results are the same for any number.
        work_dir: Where finished batches and the candidate pairs are saved; a rerun with the
            same folder, corpus and settings loads them instead of redoing them.
        on_skip: Called with ``(location, reason)`` for each document too long to compare
            (over ``CompareConfig.max_sentences`` sentences); it joins no cluster and the run
            goes on.
        total: How many documents to expect, for the progress bar (default: ``len`` of a
            sequence, else unknown).

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
    # full runs look for translated copies, which needs each document's language
    crosslingual = cfg.crosslingual and not cfg.lexical_only
    spec = PrepareSpec(
        cfg.minhash,
        cfg.candidates,
        None if cfg.lexical_only else cfg.model,
        languages=crosslingual,
    )
    key = spec.key(cfg.batch_size)
    cache = None if work_dir is None else BatchCache(Path(work_dir) / "prepared", key)

    # documents and sentence vectors wait on disk for the stages that read a few of them back
    spill_dir = None if work_dir is None else Path(work_dir)
    if spill_dir is not None:
        spill_dir.mkdir(parents=True, exist_ok=True)
    docs = DocumentFile(spill_dir)
    vector_file: VectorFile | None = None
    sigs, counts, hashes, usable, langs, dvec_parts = [], [], [], [], [], []
    digests = hashlib.sha256(key.encode())
    prep_stats = PrepareStats()
    t0 = time.perf_counter()
    name = "segment, fingerprint" + ("" if cfg.lexical_only else ", embed")
    if total is None and isinstance(documents, Sized):
        total = len(documents)
    with prog.task(name, total) as t:
        batches = batched(documents, cfg.batch_size)
        for batch, prep in prepare_all(
            batches, spec, workers=workers, cache=cache, stats=prep_stats
        ):
            docs.extend(batch)
            digests.update(prep.digest.encode())
            sigs.append(prep.sigs)
            counts.append(prep.counts)
            hashes.append(prep.hashes)
            usable.append(prep.usable)
            langs.extend(prep.languages.tolist())
            if prep.vectors is not None:
                if vector_file is None:
                    vector_file = VectorFile(prep.vectors.shape[1], spill_dir)
                vector_file.append(prep.vectors)
            if prep.doc_vectors is not None:
                dvec_parts.append(prep.doc_vectors)
            t.advance(len(batch))
    seconds["prepare"] = time.perf_counter() - t0
    n = len(docs)
    segs = LazySegments(docs)  # only the documents of candidate pairs are segmented again
    width = cfg.minhash.num_perm
    sig_arr = np.concatenate(sigs) if sigs else np.zeros((0, width), np.uint32)
    all_counts = np.concatenate(counts) if counts else np.zeros(0, np.int64)
    offsets: npt.NDArray[np.int64] = np.concatenate(([0], np.cumsum(all_counts))).astype(np.int64)
    hash_arr = np.concatenate(hashes) if hashes else np.zeros(0, np.int64)
    usable_arr = np.concatenate(usable) if usable else np.zeros(0, bool)
    vectors: VectorFile | None = None
    embedder = None
    if not cfg.lexical_only:
        from retold.models import get_embedder

        embedder = get_embedder(cfg.model)
        vectors = vector_file if vector_file is not None else VectorFile(embedder.dim, spill_dir)
    dvecs = np.concatenate(dvec_parts) if dvec_parts and len(dvec_parts) == len(sigs) else None
    dvec_parts.clear()
    keys = band_keys(sig_arr, cfg.lsh)  # the signatures are needed for nothing else
    del sigs, counts, hashes, usable, sig_arr

    t0 = time.perf_counter()
    corpus_key = digests.hexdigest()[:32]
    cands_path = None if work_dir is None else Path(work_dir) / "candidates.npz"
    # one step a band of the LSH, one for identical sentences, one for the neighbour search
    # and one for translations
    steps = cfg.lsh.bands + 1 + (vectors is not None) + crosslingual
    with prog.task("candidates", steps) as t:
        cands = None if cands_path is None else load_candidates(cands_path, corpus_key, cfg)
        resumed_candidates = cands is not None
        if cands is None:
            cands = find_candidates(
                keys,
                hash_arr,
                usable_arr,
                offsets,
                vectors,
                cfg.candidates,
                t.advance,
                dvecs,
                threads=workers,
            )
            if crosslingual:
                # translated copies: documents in other languages sharing numbers, dates, names
                from retold.collection.crosslingual import crosslingual_candidates

                crosslingual_candidates(docs, cands, languages=langs)
                t.advance(1)
            if cands_path is not None:
                save_candidates(cands_path, corpus_key, cfg, cands)
        else:
            t.advance(steps)
    del keys, dvecs
    seconds["candidates"] = time.perf_counter() - t0

    verifier: PairComparer
    if comparer is not None:
        verifier = comparer
    elif embedder is None:
        verifier = LexicalComparer()
    else:
        from retold.pair.compare import Comparer

        verifier = Comparer(embedder)

    def vectors_of(i: int) -> npt.NDArray[np.float32] | None:
        if vectors is None:
            return None
        return vectors[offsets[i] : offsets[i + 1]].astype(np.float32)

    left_out = too_long(all_counts, lambda i: docs[i].id, on_skip)
    t0 = time.perf_counter()
    edges: list[Edge] = []
    pairs = [(c.a, c.b) for c in cands if c.a not in left_out and c.b not in left_out]
    with prog.task("verify", len(cands)) as t:
        if comparer is None and workers > 1 and len(pairs) >= PARALLEL_VERIFY_MIN:
            model = None if cfg.lexical_only else cfg.model
            found = verify_in_workers(pairs, docs, vectors, offsets, workers, model)
        else:
            found = verify(pairs, segs, verifier, vectors_of)
        for e in found:
            edges.append(e)
            t.advance(1)
    seconds["verify"] = time.perf_counter() - t0

    def compare(i: int, j: int) -> Comparison | None:
        if i in left_out or j in left_out or not segs[i].sentences or not segs[j].sentences:
            return None
        return verifier.compare_segmented(segs[i], segs[j], vectors_of(i), vectors_of(j))

    t0 = time.perf_counter()
    with prog.task("cluster", 1) as t:
        clusters = build_clusters(n, edges, docs, compare)
        records = [cluster_record(k, c, docs) for k, c in enumerate(clusters)]
        t.advance(1)
    seconds["cluster"] = time.perf_counter() - t0
    stats = {
        "documents": n,
        "sentences": int(offsets[-1]) if n else 0,
        "candidates": len(cands),
        "not_compared": len(left_out),
        "candidates_by_signal": cands.counts(),
        "reuse_edges": sum(1 for e in edges if e.comparison.verdict.is_reuse),
        "clusters": len(clusters),
        "clustered_documents": sum(c.size for c in clusters),
        "lsh": {"threshold": cfg.lsh.threshold, "bands": cfg.lsh.bands, "rows": cfg.lsh.rows},
        "mode": "lexical-only" if cfg.lexical_only else f"full ({cfg.model})",
        "workers": workers,
        "resumed": {"batches": prep_stats.loaded, "candidates": resumed_candidates},
        "seconds_in_workers": {k: round(v, 3) for k, v in prep_stats.seconds.items()},
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
    }
    verdicts = {(e.i, e.j): str(e.comparison.verdict) for e in edges}
    verified = [
        (docs[c.a].id, docs[c.b].id, tuple(sorted(c.signals)), verdicts.get((c.a, c.b), ""))
        for c in cands
    ]
    return DedupResult(docs, clusters, records, stats, verified)


def too_long(
    counts: npt.NDArray[np.int64],
    id_of: Callable[[int], str],
    on_skip: Callable[[str, str], None] | None,
) -> set[int]:
    """Indices into ``counts`` of documents with more sentences than one comparison takes,
    each reported through ``on_skip`` (``id_of`` names the document at an index).

    The aligner holds n x m matrices, so such a document is left out of verification (it joins
    no cluster) instead of stopping the whole run. Both engines report it with this line.
    """
    from retold.pair.compare import CompareConfig

    limit = CompareConfig().max_sentences
    out = {int(i) for i in np.flatnonzero(counts > limit)}
    for i in sorted(out):
        if on_skip is not None:
            on_skip(
                f"{id_of(i)} ({int(counts[i]):,} sentences)",
                f"over {limit:,} sentences, not compared; split it into articles to check it",
            )
    return out


def write_clusters(records: Sequence[dict[str, Any]], path: str | Path, fmt: str = "jsonl") -> None:
    """Write cluster records as JSONL (one cluster a line) or Parquet (one member a row).

    The file is written under a temporary name and renamed, so a reader never sees half a file;
    a failed write (a full disk) removes the temporary file and raises ``OutputError``.
    """
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder of {out}: {exc.strerror}") from None
    if fmt == "jsonl":
        with atomic_write(out) as f:
            for rec in records:
                f.write((json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8"))
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
        table = pa.Table.from_pylist(rows, schema=schema)
        with atomic_write(out) as f:
            pq.write_table(table, f)
    else:
        raise ConfigError(f"unknown format {fmt!r}: choose jsonl or parquet")

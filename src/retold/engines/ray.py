"""The Ray engine: the local engine's stages, scheduled on a Ray cluster, resumable.

Numbered stages exchange Parquet files under a work directory (a local path or any fsspec URL
every worker can reach)::

    1-documents  the corpus in shards of ``batch_size`` documents, with positions
    2-prepare    segment, MinHash band keys, sentence hashes      (Ray Data map, tasks)
    3-embed      sentence and document vectors                    (actor pool holding the model)
    4-candidates LSH buckets and shared sentences as sort shuffles; vector neighbours
    5-verify     the local engine's verifier over candidate pairs (actor pool)
    6-components large-star / small-star over reuse edges          (retold.engines.components)
    7-clusters   each component's source and copies, as local      (sort by component, actors)

Each stage writes its files under temporary names and renames them, then a ``_SUCCESS``
manifest; a rerun skips every stage whose manifest matches the configuration, and inside an
unfinished stage every part already written. A part is a pure function of its inputs, so a
part redone after a worker died is byte-identical: nothing is lost or counted twice.

Shards hold exactly the local engine's batches, and every stage calls the local engine's own
functions on them, so both engines give the same clusters, sources and verdicts.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from retold.collection import candidates as candidate_signals
from retold.documents import Document
from retold.engines import ray_watchdog
from retold.engines.local import DedupConfig, DedupResult, too_long
from retold.engines.ray_stages import (
    ClusterComponents,
    EmbedPart,
    VerifyPart,
    bucket_block,
    count_block,
    crosslingual_pairs,
    edges_in_components,
    explode_bands,
    explode_hashes,
    prepare_part,
    semantic_check,
    unique_block,
)
from retold.engines.ray_store import DOC_COLUMNS, Store, fingerprint_of, part_name
from retold.errors import ConfigError, MissingDependencyError

STAGES = ("1-documents", "2-prepare", "3-embed", "4-candidates", "5-verify", "6-components",
          "7-clusters")  # fmt: skip
PAIRS_PER_PART = 2048
# part of every stage fingerprint: work directories of another layout are not reused
STAGES_FORMAT = "retold.ray-stages/2"


@dataclass(frozen=True)
class RayConfig:
    """Where and how wide the Ray engine runs.

    Attributes:
        work_dir: Stage files (local path or fsspec URL reachable from every worker).
        address: Ray cluster to join (``ray://host:10001`` or ``auto``); None starts a local one.
        num_cpus: CPUs of the local cluster (None: all).
        object_store_memory: Bytes of the local object store (None: Ray's default).
        workers: Actors in each model pool (embedding, verification).
        actor_cpus: CPUs each actor reserves; fractions keep 2-CPU machines from deadlocking.
        num_gpus: GPUs each embedding actor reserves (0: CPU).
        pairs_per_part: Candidate pairs per verification part (the unit of retry and resume).
        dedup: The dedup parameters, shared with the local engine.
    """

    work_dir: str
    address: str | None = None
    num_cpus: int | None = None
    object_store_memory: int | None = None
    workers: int = 2
    actor_cpus: float = 0.5
    num_gpus: float = 0.0
    pairs_per_part: int = PAIRS_PER_PART
    dedup: DedupConfig = field(default_factory=DedupConfig)

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ConfigError("workers must be >= 1")
        if not 0.0 < self.actor_cpus <= 64:
            raise ConfigError("actor_cpus must be in (0, 64]")
        if self.pairs_per_part < 1:
            raise ConfigError("pairs_per_part must be >= 1")
        if self.num_cpus is not None and self.num_cpus < 1:
            raise ConfigError("num_cpus must be >= 1")


def require_ray() -> Any:
    """Import ray, or say which extra to install."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise MissingDependencyError("the ray engine", "ray") from exc
    return ray


# ------------------------------------------------------------------------------ driver


def _parts_ds(ray: Any, parts: Iterable[int]) -> Any:
    items = [{"part": k} for k in parts]
    return ray.data.from_items(items, override_num_blocks=max(1, len(items)))


def _read_parts(url: str, stage: str, columns: list[str] | None = None) -> Callable[..., Any]:
    def fn(batch: dict[str, Any]) -> dict[str, Any]:
        store = Store(url)
        tables = [store.read_table(stage, part_name(k)) for k in batch["part"].tolist()]
        table = pa.concat_tables(tables) if tables else pa.table({})
        if columns:
            table = table.select(columns)
        return {c: table.column(c).to_numpy(zero_copy_only=False) for c in table.column_names}

    return fn


def _corpus_signature(corpus: str) -> Any:
    import fsspec

    fs, path = fsspec.core.url_to_fs(corpus)
    info = fs.info(path)
    return [corpus, info.get("size"), str(info.get("mtime") or info.get("LastModified") or "")]


def _local_corpus(corpus: str, tmp: str) -> str:
    """A local path for the reader: remote corpora (s3://, gs://, ...) are copied first."""
    import fsspec

    fs, path = fsspec.core.url_to_fs(corpus)
    if _is_local(fs):
        return str(path)
    target = f"{tmp}/{path.rstrip('/').rsplit('/', 1)[-1]}"
    fs.get(path, target, recursive=fs.isdir(path))
    return target


def _is_local(fs: Any) -> bool:
    protocols = fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,)
    return "file" in protocols or "local" in protocols


def write_clusters_to(records: list[dict[str, Any]], url: str, fmt: str = "jsonl") -> None:
    """``retold.engines.local.write_clusters`` to a local path or any fsspec URL."""
    import tempfile

    import fsspec

    from retold.engines.local import write_clusters

    fs, path = fsspec.core.url_to_fs(url)
    if _is_local(fs):
        write_clusters(records, path, fmt)
        return
    with tempfile.TemporaryDirectory() as tmp:
        local = f"{tmp}/clusters"
        write_clusters(records, local, fmt)
        fs.put(local, path + ".tmp")
        fs.mv(path + ".tmp", path)


class _Run:
    """One run: the store, the chained stage fingerprints and the per-stage seconds."""

    def __init__(self, store: Store, fingerprint: str) -> None:
        self.store = store
        self.fp = fingerprint
        self.seconds: dict[str, float] = {}
        self.manifests: dict[str, dict[str, Any]] = {}

    def stage(self, name: str, work: Callable[[], dict[str, Any]], *extra: Any) -> dict[str, Any]:
        self.fp = fingerprint_of(self.fp, name, *extra)
        old = self.store.manifest(name)
        if old is not None and old.get("fingerprint") == self.fp:
            self.seconds[name] = 0.0
            self.manifests[name] = {**old, "skipped": True}
            return self.manifests[name]
        self.store.begin(name, self.fp)
        t0 = time.perf_counter()
        info = work()
        info.update(fingerprint=self.fp, seconds=round(time.perf_counter() - t0, 3))
        info["parts"] = self.store.parts(name)
        self.store.write_json(info, name, "_SUCCESS")
        self.seconds[name] = info["seconds"]
        self.manifests[name] = info
        return info


def run_ray_dedup(
    corpus: str,
    config: RayConfig,
    on_skip: Callable[[str, str], None] | None = None,
) -> DedupResult:
    """Find every cluster of copies in ``corpus`` with the Ray engine.

    Args:
        corpus: A local path or fsspec URL of a collection (as ``retold.readers.read_corpus``).
        config: Cluster, work directory and dedup parameters.
        on_skip: Called as ``on_skip(location, reason)`` for each record the reader skips.

    Returns:
        The same records and counts as ``retold.engines.local.run_dedup`` (``docs`` and
        ``clusters`` are left empty: they live in the work directory).
    """
    ray = require_ray()
    from retold.engines.components import configure_data_context, ray_components

    started = _init(ray, config)
    try:
        configure_data_context()
        cfg = config.dedup
        store = Store(config.work_dir)
        url = config.work_dir
        run = _Run(store, fingerprint_of(STAGES_FORMAT, _corpus_signature(corpus)))
        pool = ray.data.ActorPoolStrategy(min_size=1, max_size=config.workers)
        actor_opts: dict[str, Any] = {"compute": pool, "num_cpus": config.actor_cpus}

        def documents() -> dict[str, Any]:
            import tempfile

            from retold.readers import read_corpus

            with tempfile.TemporaryDirectory() as tmp:
                k = n = 0
                batch: list[Document] = []

                def flush() -> None:
                    nonlocal k, batch
                    cols = {c: [getattr(d, c) for d in batch] for c in DOC_COLUMNS}
                    table = pa.table({"pos": np.arange(n - len(batch), n), **cols})
                    store.write_table(table, "1-documents", part_name(k))
                    k, batch = k + 1, []

                for doc in read_corpus(_local_corpus(corpus, tmp), on_skip=on_skip):
                    batch.append(doc)
                    n += 1
                    if len(batch) == cfg.batch_size:
                        flush()
                if batch:
                    flush()
            return {"documents": n, "shards": k, "shard_size": cfg.batch_size}

        docs_info = run.stage("1-documents", documents, cfg.batch_size)
        shards, size = docs_info["shards"], docs_info["shard_size"]

        def prepare() -> dict[str, Any]:
            todo = [k for k in range(shards) if not store.exists("2-prepare", part_name(k))]
            if todo:
                _parts_ds(ray, todo).map(
                    lambda r: prepare_part(url, int(r["part"]), cfg), num_cpus=1
                ).materialize()
            return {}

        # lexical-only runs hash quick-split sentences, full runs segmented ones
        run.stage(
            "2-prepare",
            prepare,
            asdict(cfg.minhash),
            asdict(cfg.lsh),
            asdict(cfg.candidates),
            cfg.lexical_only,
            cfg.model,
            "sentences/1",  # the parts carry each document's sentence count
        )

        def embed() -> dict[str, Any]:
            todo = [k for k in range(shards) if not store.exists("3-embed", part_name(k))]
            if todo:
                opts = dict(actor_opts)
                if config.num_gpus:
                    opts["num_gpus"] = config.num_gpus
                _parts_ds(ray, todo).map_batches(
                    EmbedPart, fn_constructor_args=(url, cfg.model), batch_size=1, **opts
                ).materialize()
            return {}

        with_vectors = not cfg.lexical_only
        if with_vectors:
            run.stage("3-embed", embed, cfg.model)

        def candidates() -> dict[str, Any]:
            cc = cfg.candidates
            parts = _parts_ds(ray, range(shards))
            prep = parts.map_batches(_read_parts(url, "2-prepare"), batch_size=1)
            lexical = (
                prep.map_batches(explode_bands)
                .sort(["band", "key"])
                .map_batches(bucket_block(cc.max_bucket, ("band", "key")), batch_size=None)
            )
            sentences = (
                prep.map_batches(explode_hashes)
                .sort("hash")
                .map_batches(bucket_block(cc.max_bucket, ("hash",), cc.max_df), batch_size=None)
                .sort(["a", "b"])
                .map_batches(count_block(cc.min_shared), batch_size=None)
            )
            found = [lexical, sentences]
            if with_vectors:
                # as in the local engine: no semantic pair inside a crowd the lexical pairs join
                lexical, sentences = lexical.materialize(), sentences.materialize()
                joined = [
                    np.stack([batch["a"], batch["b"]], axis=1)
                    for ds in (lexical, sentences)
                    for batch in ds.iter_batches(batch_format="numpy")
                ]
                n_docs = docs_info["documents"]
                edges = np.concatenate(joined) if joined else np.zeros((0, 2), np.int64)
                crowd = candidate_signals.crowd_labels(edges, n_docs, cc.max_bucket)
                found = [lexical, sentences, _semantic(ray, store, url, shards, size, cfg, crowd)]
            if with_vectors and cfg.crosslingual:
                # translated copies: documents in other languages sharing numbers, dates, names
                (xa, xb), _ = crosslingual_pairs(ray, url, shards)
                if len(xa):
                    found.append(ray.data.from_arrow(pa.table({"a": xa, "b": xb})))
            merged = (
                found[0]
                .union(*found[1:])
                .sort(["a", "b"])
                .map_batches(unique_block, batch_size=None)
            )
            too_long = _too_long(store, shards, on_skip)
            left_out = np.array(sorted(too_long), dtype=np.int64)
            k = total = 0
            for batch in merged.iter_batches(
                batch_size=config.pairs_per_part, batch_format="numpy"
            ):
                a, b = batch["a"].astype(np.int64), batch["b"].astype(np.int64)
                if len(left_out):
                    keep = ~(np.isin(a, left_out) | np.isin(b, left_out))
                    a, b = a[keep], b[keep]
                if len(a) == 0:
                    continue
                store.write_table(pa.table({"a": a, "b": b}), "4-candidates", part_name(k))
                k, total = k + 1, total + len(a)
            return {"candidates": total, "not_compared": len(too_long)}

        cand_info = run.stage(
            "4-candidates", candidates, config.pairs_per_part, "crosslingual", cfg.crosslingual
        )
        cand_parts = len(cand_info["parts"])

        def verify_stage() -> dict[str, Any]:
            todo = [k for k in range(cand_parts) if not store.exists("5-verify", part_name(k))]
            if todo:
                _parts_ds(ray, todo).map_batches(
                    VerifyPart, fn_constructor_args=(url, size, cfg), batch_size=1, **actor_opts
                ).materialize()
            reuse = 0
            for k in range(cand_parts):
                reuse += sum(store.read_table("5-verify", part_name(k)).column("reuse").to_pylist())
            return {"reuse_edges": reuse}

        verify_info = run.stage("5-verify", verify_stage)

        def components() -> dict[str, Any]:
            if verify_info["reuse_edges"] == 0:
                return {"rounds": 0, "nodes": 0}
            edges = (
                _parts_ds(ray, range(cand_parts))
                .map_batches(_read_parts(url, "5-verify"), batch_size=1)
                .filter(lambda r: bool(r["reuse"]))
                .map_batches(lambda b: {"a": b["i"], "b": b["j"]})
            )
            labels, rounds = ray_components(edges)
            k = nodes = 0
            for batch in labels.iter_batches(batch_size=1 << 20, batch_format="pyarrow"):
                store.write_table(batch, "6-components", part_name(k))
                k, nodes = k + 1, nodes + batch.num_rows
            return {"rounds": rounds, "nodes": nodes}

        comp_info = run.stage("6-components", components)

        def clusters() -> dict[str, Any]:
            tables = [store.read_table("6-components", p) for p in store.parts("6-components")]
            rows: list[tuple[int, str, str]] = []
            if tables:
                t = pa.concat_tables(tables).sort_by("node")
                lookup = (t.column("node").to_numpy(), t.column("label").to_numpy())
                grouped = (
                    _parts_ds(ray, range(cand_parts))
                    .map_batches(_read_parts(url, "5-verify"), batch_size=1)
                    .map_batches(edges_in_components(lookup))
                    .sort("label")
                    .materialize()
                )
                # materialized first: whole-CPU tasks upstream of a running actor pool never
                # get a CPU on a 1-CPU node (the pool holds it), and the stage deadlocks
                found = grouped.map_batches(
                    ClusterComponents,
                    fn_constructor_args=(url, size, cfg),
                    batch_size=None,
                    **actor_opts,
                )
                for r in found.iter_rows():
                    rows.append((int(r["size"]), str(r["source"]), str(r["record"])))
            rows.sort(key=lambda r: (-r[0], r[1]))
            table = pa.table(
                {
                    "cluster": list(range(len(rows))),
                    "size": [r[0] for r in rows],
                    "source": [r[1] for r in rows],
                    "record": [r[2] for r in rows],
                }
            )
            store.write_table(table, "7-clusters", part_name(0))
            return {"clusters": len(rows), "clustered_documents": sum(r[0] for r in rows)}

        cl_info = run.stage("7-clusters", clusters)
        records = []
        for k, rec in enumerate(
            store.read_table("7-clusters", part_name(0)).column("record").to_pylist()
        ):
            obj = json.loads(rec)
            obj["cluster"] = k
            records.append(obj)
        stats = {
            "documents": docs_info["documents"],
            "candidates": cand_info["candidates"],
            "not_compared": cand_info.get("not_compared", 0),
            "reuse_edges": verify_info["reuse_edges"],
            "clusters": cl_info["clusters"],
            "clustered_documents": cl_info["clustered_documents"],
            "component_rounds": comp_info["rounds"],
            "lsh": {"threshold": cfg.lsh.threshold, "bands": cfg.lsh.bands, "rows": cfg.lsh.rows},
            "mode": "lexical-only" if cfg.lexical_only else f"full ({cfg.model})",
            "engine": "ray",
            "seconds": run.seconds,
            "skipped": sorted(k for k, m in run.manifests.items() if m.get("skipped")),
        }
        return DedupResult([], [], records, stats)
    finally:
        if started is not None:
            ray.shutdown()
            _end_local(started)


def _too_long(store: Store, shards: int, on_skip: Callable[[str, str], None] | None) -> set[int]:
    """Positions of documents too long to compare, reported as the local engine reports them."""
    out: set[int] = set()
    for k in range(shards):
        t = store.read_table("2-prepare", part_name(k)).select(["pos", "sentences"])
        pos = t.column("pos").to_numpy()
        ids: list[str] = []

        def id_of(i: int, k: int = k, ids: list[str] = ids) -> str:
            if not ids:  # the shard's ids are read only when one of its documents is too long
                ids.extend(store.read_table("1-documents", part_name(k)).column("id").to_pylist())
            return ids[i]

        over = too_long(t.column("sentences").to_numpy(), id_of, on_skip)
        out.update(int(pos[i]) for i in over)
    return out


def _semantic(
    ray: Any,
    store: Store,
    url: str,
    shards: int,
    size: int,
    cfg: DedupConfig,
    crowd: npt.NDArray[np.int64],
) -> Any:
    """Vector-neighbour candidates: one ANN index over document vectors, checked in parallel
    (pairs inside one crowd, ``crowd[i] == crowd[j] >= 0``, are left out).

    Document vectors are 1 KiB each (256 float32), so one node holds tens of millions; the
    sentence-level check, the expensive part, runs as tasks.
    """
    dvecs = [
        np.frombuffer(b, np.float32)
        for k in range(shards)
        for b in store.read_table("3-embed", part_name(k)).column("dvec").to_pylist()
    ]
    mat = np.stack(dvecs) if dvecs else np.zeros((0, 256), np.float32)
    # looked up at call time, so that both engines use the same neighbour search
    pairs = candidate_signals.neighbour_pairs(
        mat,
        cfg.candidates.k,
        cfg.candidates.min_doc_cosine,
        nearest_cosine=cfg.candidates.nearest_cosine,
    )
    pairs = [(i, j) for i, j in pairs if not crowd[i] == crowd[j] >= 0]
    chunks = [pairs[s : s + PAIRS_PER_PART] for s in range(0, len(pairs), PAIRS_PER_PART)]
    items = [{"chunk": np.array(c, np.int64).reshape(-1, 2)} for c in chunks]

    def check(row: dict[str, Any]) -> list[dict[str, int]]:
        found = semantic_check(url, size, [tuple(p) for p in row["chunk"].tolist()], cfg)
        return [{"a": a, "b": b} for a, b in found]

    if not items:
        return ray.data.from_items([{"a": 0, "b": 0}]).filter(lambda r: False)
    return ray.data.from_items(items, override_num_blocks=len(items)).flat_map(check)


def _init(ray: Any, config: RayConfig) -> _Started | None:
    """Join or start a cluster; what this call started (and must end), or None."""
    if ray.is_initialized():
        return None
    common: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
    }
    if config.address:
        ray.init(address=config.address, **common)
        return _Started(None, None)
    # a local instance's agents outlive a killed driver by a minute (see ray_watchdog); every
    # process of the instance inherits the watchdog's token from this environment
    watchdog = ray_watchdog.start()
    before = os.environ.get(ray_watchdog.OWNER_ENV)
    if watchdog is not None:
        os.environ[ray_watchdog.OWNER_ENV] = watchdog.token
    started = _Started(watchdog, before)
    try:
        ray.init(
            num_cpus=config.num_cpus,
            object_store_memory=config.object_store_memory,
            **common,
        )
    except BaseException:
        _end_local(started)
        raise
    if watchdog is not None:
        node = getattr(ray._private.worker, "_global_node", None)
        if node is not None:
            watchdog.watch(node.get_session_dir_path())
    return started


@dataclass
class _Started:
    """A cluster this run joined or started: the watchdog of a local one, and the environment
    entry to restore."""

    watchdog: ray_watchdog.Watchdog | None
    owner_before: str | None


def _end_local(started: _Started) -> None:
    if started.watchdog is None:
        return
    if started.owner_before is None:
        os.environ.pop(ray_watchdog.OWNER_ENV, None)
    else:
        os.environ[ray_watchdog.OWNER_ENV] = started.owner_before
    started.watchdog.close()


__all__ = ["STAGES", "RayConfig", "Store", "require_ray", "run_ray_dedup", "write_clusters_to"]

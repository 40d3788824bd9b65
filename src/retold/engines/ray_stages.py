"""The per-part work of the Ray engine's stages: each reads files, calls the local engine's
stage functions and writes one part atomically, so that Ray may run it twice (a retry after a
worker died) and the second run writes the same rows."""

from __future__ import annotations

import itertools
import json
import pickle
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from retold.collection.candidates import _bucket_pairs, doc_vectors, sentence_checked
from retold.collection.cluster import build_clusters, cluster_record
from retold.collection.fingerprints import band_keys
from retold.collection.verify import Edge, LexicalComparer, PairComparer, verify
from retold.documents import Comparison, Segmented
from retold.engines.local import DedupConfig
from retold.engines.prepare import embed_batch, prepare_batch
from retold.engines.ray_store import Shards, Store, documents_of, part_name
from retold.segment import segment


def _verifier(cfg: DedupConfig) -> PairComparer:
    """The verifier the local engine would use for this configuration."""
    if cfg.lexical_only:
        return LexicalComparer()
    from retold.models import get_embedder
    from retold.pair.compare import Comparer

    return Comparer(get_embedder(cfg.model))


# ------------------------------------------------------------------ per-part stage work
# Each function below computes one part from files and writes it atomically; Ray may run it
# twice (a retry after a worker died) and the second run writes the same bytes.


def prepare_part(url: str, k: int, cfg: DedupConfig) -> dict[str, int]:
    """Stage 2 for shard ``k``: segment, band keys, sentence hashes (``prepare_batch``)."""
    store = Store(url)
    table = store.read_table("1-documents", part_name(k))
    prep = prepare_batch(
        documents_of(table), cfg.minhash, cfg.candidates, segmented=not cfg.lexical_only
    )
    keys = band_keys(prep.sigs, cfg.lsh)
    bounds = np.concatenate(([0], np.cumsum(prep.counts))).astype(np.int64)
    out = pa.table(
        {
            "pos": table.column("pos"),
            "keys": [row.tolist() for row in keys],
            "hashes": [prep.hashes[s:e].tolist() for s, e in itertools.pairwise(bounds)],
            "usable": [prep.usable[s:e].tolist() for s, e in itertools.pairwise(bounds)],
            "sentences": prep.counts.astype(np.int64),
        }
    )
    store.write_table(out, "2-prepare", part_name(k))
    return {"part": k, "sentences": int(bounds[-1])}


def languages_part(url: str, k: int) -> dict[str, Any]:
    """Each document's language group in shard ``k`` (``retold.collection.crosslingual``)."""
    from retold.collection.crosslingual import document_languages

    docs = documents_of(Store(url).read_table("1-documents", part_name(k)))
    return {"part": k, "languages": document_languages(docs)}


def lead_keys_part(url: str, k: int, languages: list[str]) -> dict[str, Any]:
    """The lead fingerprints of each document of shard ``k`` whose language is known."""
    from retold.collection.crosslingual import lead_keys

    docs = documents_of(Store(url).read_table("1-documents", part_name(k)))
    keys = [
        sorted(lead_keys(d)) if lang != "und" else []
        for d, lang in zip(docs, languages, strict=True)
    ]
    return {"part": k, "keys": keys}


def crosslingual_pairs(ray: Any, url: str, shards: int) -> tuple[Any, Any]:
    """Translated-copy candidates, as the local engine finds them: languages in parallel
    tasks; only when the collection has two or more languages, each document's lead
    fingerprints in parallel tasks, then the scoring of the minority-language documents.

    Returns:
        Arrays ``a`` < ``b`` of the candidate pairs, and the number of documents per language.
    """
    from retold.collection.crosslingual import pairs_by_keys

    def gather(tasks: list[Any]) -> list[dict[str, Any]]:
        return sorted(ray.get(tasks), key=lambda r: r["part"])

    languages_task = ray.remote(num_cpus=1)(languages_part)
    per_part = [
        r["languages"] for r in gather([languages_task.remote(url, k) for k in range(shards)])
    ]
    langs = [code for part in per_part for code in part]
    counts: dict[str, int] = {}
    for code in langs:
        counts[code] = counts.get(code, 0) + 1
    empty = np.zeros(0, np.int64)
    if len([c for c in counts if c != "und"]) < 2:
        return (empty, empty), counts
    keys_task = ray.remote(num_cpus=1)(lead_keys_part)
    rows = gather([keys_task.remote(url, k, per_part[k]) for k in range(shards)])
    keys = [set(ks) for r in rows for ks in r["keys"]]
    pairs = sorted({(min(i, j), max(i, j)) for i, j, _ in pairs_by_keys(langs, keys)})
    if not pairs:
        return (empty, empty), counts
    arr = np.array(pairs, np.int64)
    return (arr[:, 0], arr[:, 1]), counts


class EmbedPart:
    """Stage 3 as an actor that holds the model: sentence vectors and document vectors."""

    def __init__(self, url: str, model: str) -> None:
        from retold.models import get_embedder

        self.url = url
        self.embedder = get_embedder(model)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        store = Store(self.url)
        for k in batch["part"].tolist():
            if store.exists("3-embed", part_name(k)):
                continue
            table = store.read_table("1-documents", part_name(k))
            segs = [segment(d) for d in documents_of(table)]
            vecs = embed_batch(segs, self.embedder)
            usable = store.read_table("2-prepare", part_name(k)).column("usable").to_pylist()
            counts = np.array([len(s.sentences) for s in segs], np.int64)
            offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
            mask = np.array([u for row in usable for u in row], bool)
            # exactly the local engine's document vectors (candidates.semantic_candidates)
            masked = np.where(mask[:, None], vecs, 0).astype(np.float32)
            dvecs = doc_vectors(masked, offsets)
            out = pa.table(
                {
                    "pos": table.column("pos"),
                    "dim": [int(vecs.shape[1])] * table.num_rows,
                    "vectors": [vecs[s:e].tobytes() for s, e in itertools.pairwise(offsets)],
                    "dvec": [row.tobytes() for row in dvecs],
                }
            )
            store.write_table(out, "3-embed", part_name(k))
        return {"part": batch["part"]}


def explode_bands(batch: dict[str, Any]) -> dict[str, Any]:
    keys = np.stack(batch["keys"]).astype(np.int64) if len(batch["keys"]) else np.zeros((0, 1))
    n, bands = keys.shape
    return {
        "band": np.tile(np.arange(bands, dtype=np.int64), n),
        "key": keys.reshape(-1).astype(np.int64),
        "pos": np.repeat(batch["pos"].astype(np.int64), bands),
    }


def _pairs_out(pairs: Iterable[tuple[int, int]]) -> dict[str, Any]:
    arr = np.array(list(pairs), np.int64).reshape(-1, 2)
    return {"a": arr[:, 0], "b": arr[:, 1]}


def bucket_block(
    max_bucket: int, by: tuple[str, ...], max_df: int | None = None
) -> Callable[[dict[str, Any]], Any]:
    """Pairs of positions sharing a key, per block of rows sorted by ``by`` (a sort keeps
    equal keys in one block); runs longer than ``max_df`` are skipped as hubs."""

    def fn(batch: dict[str, Any]) -> dict[str, Any]:
        if len(batch["pos"]) == 0:
            return _pairs_out([])
        order = np.lexsort([batch["pos"], *[batch[c] for c in reversed(by)]])
        pos = batch["pos"][order]
        change = np.zeros(len(pos), bool)
        change[0] = True
        for c in by:
            col = batch[c][order]
            change[1:] |= col[1:] != col[:-1]
        starts = np.flatnonzero(change)
        ends = np.append(starts[1:], len(pos))
        out: list[tuple[int, int]] = []
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            if e - s >= 2 and (max_df is None or e - s <= max_df):
                out.extend(_bucket_pairs(pos[s:e].tolist(), max_bucket))
        return _pairs_out(out)

    return fn


def explode_hashes(batch: dict[str, Any]) -> dict[str, Any]:
    hs, ps = [], []
    for pos, hashes, usable in zip(batch["pos"], batch["hashes"], batch["usable"], strict=False):
        kept = np.unique(np.asarray(hashes, np.int64)[np.asarray(usable, bool)])
        hs.append(kept)
        ps.append(np.full(len(kept), pos, np.int64))
    if not hs:
        return {"hash": np.zeros(0, np.int64), "pos": np.zeros(0, np.int64)}
    return {"hash": np.concatenate(hs), "pos": np.concatenate(ps)}


def count_block(min_shared: int) -> Callable[[dict[str, Any]], Any]:
    def fn(batch: dict[str, Any]) -> dict[str, Any]:
        if len(batch["a"]) == 0:
            return _pairs_out([])
        ab = np.stack([batch["a"], batch["b"]], axis=1)
        uniq, counts = np.unique(ab, axis=0, return_counts=True)
        keep = uniq[counts >= min_shared]
        return {"a": keep[:, 0], "b": keep[:, 1]}

    return fn


def unique_block(batch: dict[str, Any]) -> dict[str, Any]:
    if len(batch["a"]) == 0:
        return _pairs_out([])
    uniq = np.unique(np.stack([batch["a"], batch["b"]], axis=1), axis=0)
    return {"a": uniq[:, 0], "b": uniq[:, 1]}


def semantic_check(
    url: str, shard_size: int, pairs: list[tuple[int, int]], cfg: DedupConfig
) -> list[tuple[int, int]]:
    """Neighbour pairs that share ``min_pairs`` close sentence pairs (as the local engine)."""
    shards = Shards(url, shard_size, with_vectors=True)
    store = Store(url)
    usable: dict[int, list[Any]] = {}
    held: dict[int, npt.NDArray[np.float16]] = {}
    for p in sorted({p for pair in pairs for p in pair}):
        k = p // shard_size
        if k not in usable:
            usable[k] = store.read_table("2-prepare", part_name(k)).column("usable").to_pylist()
        mask = np.asarray(usable[k][p % shard_size], bool)
        v = shards.vectors16(p)
        held[p] = v[mask] if len(mask) else v[:0]
    return [(i, j) for i, j, _ in sentence_checked(pairs, held, cfg.candidates)]


class VerifyPart:
    """Stage 5 as an actor holding the verifier: one candidate part in, one edge part out."""

    def __init__(self, url: str, shard_size: int, cfg: DedupConfig) -> None:
        self.url, self.cfg = url, cfg
        self.shards = Shards(url, shard_size, with_vectors=not cfg.lexical_only)
        self.comparer = _verifier(cfg)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        store = Store(self.url)
        for k in batch["part"].tolist():
            if store.exists("5-verify", part_name(k)):
                continue
            t = store.read_table("4-candidates", part_name(k)).to_pydict()
            pairs = list(zip(t["a"], t["b"], strict=True))
            segs = _SegView(self.shards)
            rows: dict[str, list[Any]] = {
                "i": [], "j": [], "reuse": [], "verdict": [], "comparison": []
            }  # fmt: skip
            for e in verify(pairs, segs, self.comparer, self.shards.vectors):  # type: ignore[arg-type]
                reuse = e.comparison.verdict.is_reuse
                rows["i"].append(e.i)
                rows["j"].append(e.j)
                rows["reuse"].append(reuse)
                rows["verdict"].append(str(e.comparison.verdict))
                # kept for the cluster stage, which would otherwise compare the pair again
                rows["comparison"].append(pickle.dumps(e.comparison) if reuse else None)
            schema = pa.schema(
                [("i", pa.int64()), ("j", pa.int64()), ("reuse", pa.bool_()),
                 ("verdict", pa.string()), ("comparison", pa.binary())]
            )  # fmt: skip
            store.write_table(pa.Table.from_pydict(rows, schema=schema), "5-verify", part_name(k))
        return {"part": batch["part"]}


class _SegView:
    """``segs[pos]`` over shards, for ``retold.collection.verify.verify``."""

    def __init__(self, shards: Shards) -> None:
        self.shards = shards

    def __getitem__(self, pos: int) -> Any:
        return self.shards.seg(pos)


class ClusterComponents:
    """Stage 7 as an actor: each component's clusters, exactly as ``build_clusters`` makes them.

    Every verified pair inside the component is compared again in its verified orientation,
    so the source choice and the reported comparisons match the local engine's.
    """

    def __init__(self, url: str, shard_size: int, cfg: DedupConfig) -> None:
        self.shards = Shards(url, shard_size, with_vectors=not cfg.lexical_only)
        self.comparer = _verifier(cfg)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, list[Any]] = {"size": [], "source": [], "record": []}
        if len(batch["label"]) == 0:
            return out
        order = np.lexsort([batch["j"], batch["i"], batch["label"]])
        label, ii, jj = batch["label"][order], batch["i"][order], batch["j"][order]
        blobs = [batch["comparison"][k] for k in order.tolist()]
        starts = np.flatnonzero(np.concatenate(([True], label[1:] != label[:-1])))
        ends = np.append(starts[1:], len(label))
        for s, e in zip(starts.tolist(), ends.tolist(), strict=False):
            rec = self._component(ii[s:e].tolist(), jj[s:e].tolist(), blobs[s:e])
            if rec is not None:
                out["size"].append(rec["size"])
                out["source"].append(rec["source"])
                out["record"].append(json.dumps(rec, ensure_ascii=False))
        return out

    def _component(
        self, ii: list[int], jj: list[int], blobs: list[bytes | None]
    ) -> dict[str, Any] | None:
        members = sorted(set(ii) | set(jj))
        local = {p: k for k, p in enumerate(members)}
        docs = [self.shards.doc(p) for p in members]

        def seg(k: int) -> Segmented:
            return self.shards.seg(members[k])  # segmented on first use, then cached

        def vec(k: int) -> Any:
            return self.shards.vectors(members[k])

        def compare(i: int, j: int) -> Comparison | None:
            if not seg(i).sentences or not seg(j).sentences:
                return None
            return self.comparer.compare_segmented(seg(i), seg(j), vec(i), vec(j))

        # reuse edges come with their comparison (written by VerifyPart); the others are
        # compared again, in the orientation they were verified in, as the local engine has them
        edges: list[Edge] = []
        for i, j, blob in sorted(zip(ii, jj, blobs, strict=True), key=lambda r: r[:2]):
            a, b = local[i], local[j]
            c = pickle.loads(blob) if blob is not None else compare(a, b)
            if c is not None:
                edges.append(Edge(a, b, c))

        clusters = build_clusters(len(members), edges, docs, compare)
        if not clusters:
            return None
        return cluster_record(0, clusters[0], docs)


def edges_in_components(labels: Any) -> Callable[[dict[str, Any]], Any]:
    nodes, comp = labels

    def fn(batch: dict[str, Any]) -> dict[str, Any]:
        i, j = batch["i"].astype(np.int64), batch["j"].astype(np.int64)
        if len(nodes) == 0 or len(i) == 0:
            z = np.zeros(0, np.int64)
            return {"label": z, "i": z, "j": z, "comparison": np.array([], dtype=object)}
        li = np.searchsorted(nodes, i).clip(0, len(nodes) - 1)
        lj = np.searchsorted(nodes, j).clip(0, len(nodes) - 1)
        keep = (nodes[li] == i) & (nodes[lj] == j) & (comp[li] == comp[lj])
        blobs = np.asarray(batch["comparison"], dtype=object)
        return {"label": comp[li][keep], "i": i[keep], "j": j[keep], "comparison": blobs[keep]}

    return fn

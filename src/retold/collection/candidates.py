"""Candidate pairs: documents worth verifying, proposed by cheap signals.

Three signals, each a pure function over arrays (no model calls here):

- ``minhash``: the two documents share an LSH band of their MinHash signatures (lexical
  near-duplicates, S-curve tuned by ``LSHConfig.threshold``).
- ``sentence-hash``: they share at least ``min_shared`` identical long sentences (verbatim
  partial reuse that is too small a share of either document for MinHash). Sentences found in
  more than ``max_df`` documents are hubs ("Reuters contributed to this report") and ignored.
- ``semantic``: their document vectors are nearest neighbours *and* at least ``min_pairs`` of
  their sentences pair up above ``min_cosine`` (paraphrased rewrites MinHash misses). A
  document's single nearest neighbour counts from a lower document cosine than its other
  neighbours: a restyled or condensed rewrite drifts from its source as a whole, yet nothing in
  the collection is closer to it.

Syndication (one story copied hundreds of times) costs pairs in proportion to its copies, not
to their square: a big LSH bucket is a star, identical document vectors search as one, and no
semantic pair is proposed inside a crowd (``max_bucket`` documents or more) that the lexical
pairs already join.

Pairs are ``(i, j)`` document positions with ``i < j``; callers map them back to ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from retold.collection.fingerprints import BandKeys

Pair = tuple[int, int]


class Rows(Protocol):
    """Sentence vectors read by row range: an array, or a file of them on disk
    (``retold.engines.spill.VectorFile``)."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    def __getitem__(self, key: slice, /) -> npt.NDArray[Any]: ...


# new signals go at the end: saved candidates store them as bits in this order
SIGNALS = ("minhash", "sentence-hash", "semantic", "crosslingual")


@dataclass
class Candidate:
    """A pair of documents and the signals that proposed it.

    Attributes:
        a: Position of the first document (``a < b``).
        b: Position of the second document.
        signals: Names of the signals that proposed the pair.
        shared: Sentence pairs found close (semantic) or identical (sentence-hash).
    """

    a: int
    b: int
    signals: set[str] = field(default_factory=set)
    shared: int = 0


@dataclass(frozen=True)
class CandidateConfig:
    """Limits of the candidate signals.

    Attributes:
        max_bucket: LSH buckets larger than this contribute a star (first member to each
            other) instead of every pair, so a thousand identical documents cost 999 pairs;
            lexical pairs joining this many documents or more make a crowd, inside which no
            semantic pair is proposed.
        min_words: Sentences shorter than this are not used for sentence signals.
        min_shared: Identical long sentences two documents must share (sentence-hash).
        max_df: A sentence found in more documents than this is boilerplate, not evidence.
        k: Document-vector neighbours looked at per document (semantic).
        min_doc_cosine: Least document-vector cosine for a semantic neighbour.
        nearest_cosine: Least document-vector cosine for a document's single nearest
            neighbour (at most ``min_doc_cosine``).
        min_cosine: Least sentence cosine for a close sentence pair.
        min_pairs: Close sentence pairs two documents must share (semantic); documents with
            fewer usable sentences need all of theirs.
    """

    max_bucket: int = 50
    min_words: int = 6
    min_shared: int = 2
    max_df: int = 20
    k: int = 8
    min_doc_cosine: float = 0.65
    nearest_cosine: float = 0.45
    min_cosine: float = 0.6
    min_pairs: int = 2

    def __post_init__(self) -> None:
        for name in ("max_bucket", "min_words", "min_shared", "max_df", "k", "min_pairs"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")
        for name in ("min_doc_cosine", "nearest_cosine", "min_cosine"):
            if not -1.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [-1.0, 1.0]")
        if self.nearest_cosine > self.min_doc_cosine:
            raise ValueError("nearest_cosine must be <= min_doc_cosine")


class Candidates:
    """Candidate pairs merged across signals, iterated in sorted order (deterministic)."""

    def __init__(self) -> None:
        self._pairs: dict[Pair, Candidate] = {}

    def add(self, i: int, j: int, signal: str, shared: int = 0) -> None:
        if i == j:
            return
        a, b = (i, j) if i < j else (j, i)
        cand = self._pairs.get((a, b))
        if cand is None:
            cand = self._pairs[(a, b)] = Candidate(a, b)
        cand.signals.add(signal)
        cand.shared = max(cand.shared, shared)

    def __len__(self) -> int:
        return len(self._pairs)

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self._pairs[p] for p in sorted(self._pairs))

    def __contains__(self, pair: Pair) -> bool:
        return pair in self._pairs

    def pairs(self) -> Iterator[Pair]:
        """The pairs, in no particular order."""
        return iter(self._pairs)

    def to_arrays(self) -> dict[str, npt.NDArray[np.int64]]:
        """Columns ``a``, ``b``, ``signals`` (a bit per name in ``SIGNALS``) and ``shared``."""
        rows = [
            (c.a, c.b, sum(1 << SIGNALS.index(s) for s in c.signals), c.shared)
            for c in self._pairs.values()
        ]
        arr = np.array(rows, dtype=np.int64).reshape(-1, 4)
        return {"a": arr[:, 0], "b": arr[:, 1], "signals": arr[:, 2], "shared": arr[:, 3]}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[np.int64]]) -> Candidates:
        """The inverse of ``to_arrays``."""
        out = cls()
        cols = (arrays[k].tolist() for k in ("a", "b", "signals", "shared"))
        for a, b, bits, shared in zip(*cols, strict=True):
            for k, name in enumerate(SIGNALS):
                if bits >> k & 1:
                    out.add(a, b, name, shared)
        return out

    def counts(self) -> dict[str, int]:
        """Pairs proposed by each signal (a pair may count for several)."""
        out: dict[str, int] = defaultdict(int)
        for cand in self._pairs.values():
            for s in cand.signals:
                out[s] += 1
        return dict(sorted(out.items()))


def _runs(sorted_keys: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """(start, end) of runs of >= 2 equal values in a sorted array."""
    if len(sorted_keys) < 2:
        return []
    change = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(sorted_keys)]))
    keep = ends - starts >= 2
    return list(zip(starts[keep].tolist(), ends[keep].tolist(), strict=True))


def _bucket_pairs(members: list[int], max_bucket: int) -> Iterable[Pair]:
    members = sorted(set(members))
    if len(members) > max_bucket:
        first = members[0]
        return ((first, m) for m in members[1:])
    return ((x, y) for k, x in enumerate(members) for y in members[k + 1 :])


def crowd_labels(
    pairs: Iterable[Pair] | npt.NDArray[np.int64], n: int, min_size: int
) -> npt.NDArray[np.int64]:
    """Per document, the component it belongs to in the graph of ``pairs`` (tuples, or an
    ``(m, 2)`` array) when that component has ``min_size`` documents or more (a crowd: one
    story copied many times), else -1.

    Example:
        >>> crowd_labels([(0, 1), (1, 2), (4, 5)], 6, min_size=3).tolist()
        [0, 0, 0, -1, -1, -1]
    """
    if n == 0:
        return np.zeros(0, np.int64)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    listed = pairs if isinstance(pairs, np.ndarray) else list(pairs)
    edges = np.asarray(listed, dtype=np.int64).reshape(-1, 2)
    graph = coo_matrix((np.ones(len(edges), np.int8), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)
    sizes = np.bincount(labels, minlength=1)
    return np.where(sizes[labels] >= min_size, labels, -1)


def lexical_candidates(
    keys: BandKeys,
    out: Candidates,
    config: CandidateConfig | None = None,
    on_band: Callable[[int], None] | None = None,
) -> Candidates:
    """Pairs that share at least one LSH band (``keys`` has one row per document);
    ``on_band(1)`` is called as each band is done."""
    cfg = config or CandidateConfig()
    for band in range(keys.shape[1]):
        col = keys[:, band]
        order = np.argsort(col, kind="stable")
        sorted_col = col[order]
        for s, e in _runs(sorted_col):
            for x, y in _bucket_pairs(order[s:e].tolist(), cfg.max_bucket):
                out.add(x, y, "minhash")
        if on_band is not None:
            on_band(1)
    return out


def sentence_hash_candidates(
    hashes: npt.NDArray[np.int64],
    doc_of: npt.NDArray[np.int64],
    out: Candidates,
    config: CandidateConfig | None = None,
) -> Candidates:
    """Pairs sharing ``min_shared`` identical sentences (``hashes[s]`` of sentence ``s`` of
    document ``doc_of[s]``; pass only the sentences long enough to count)."""
    cfg = config or CandidateConfig()
    if len(hashes) == 0:
        return out
    # one entry per (hash, doc), sorted: a sentence repeated inside one document counts once
    # (a lexsort and a look at neighbours: np.unique over rows is nine times slower)
    order = np.lexsort((doc_of, hashes))
    h, d = hashes[order], doc_of[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (h[1:] != h[:-1]) | (d[1:] != d[:-1])
    pairs = np.stack([h[first], d[first]], axis=1)
    shared: dict[Pair, int] = defaultdict(int)
    for s, e in _runs(pairs[:, 0]):
        if e - s > cfg.max_df:
            continue
        docs = pairs[s:e, 1].tolist()
        for x, y in _bucket_pairs(docs, cfg.max_bucket):
            shared[(x, y)] += 1
    for (x, y), n in shared.items():
        if n >= cfg.min_shared:
            out.add(x, y, "sentence-hash", n)
    return out


def doc_vectors(
    vectors: Rows,
    offsets: npt.NDArray[np.int64],
    usable: npt.NDArray[np.bool_] | None = None,
    chunk: int = 4096,
) -> npt.NDArray[np.float32]:
    """Unit mean of each document's sentence vectors (``offsets`` has ``n_docs + 1`` entries).

    Only ``usable`` sentences count when a mask is given. Works through ``chunk`` documents at a
    time, so float16 input is never copied whole to float32.
    """
    n = len(offsets) - 1
    dim = vectors.shape[1] if len(vectors.shape) == 2 else 0
    out = np.zeros((n, dim), dtype=np.float32)
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        lo, hi = int(offsets[s]), int(offsets[e])
        if hi == lo:
            continue
        v = vectors[lo:hi].astype(np.float32)
        if usable is not None:
            v[~usable[lo:hi]] = 0.0
        starts = offsets[s:e] - lo
        nonempty = np.flatnonzero(np.diff(offsets[s : e + 1]) > 0)
        out[s + nonempty] = np.add.reduceat(v, starts[nonempty], axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out /= norms
    return out


def close_sentence_pairs(
    va: npt.NDArray[np.floating], vb: npt.NDArray[np.floating], min_cosine: float
) -> int:
    """Sentence pairs that are each other's best match above ``min_cosine`` (mutual best)."""
    if len(va) == 0 or len(vb) == 0:
        return 0
    sims = va.astype(np.float32) @ vb.astype(np.float32).T
    best_b = sims.argmax(axis=1)
    best_a = sims.argmax(axis=0)
    rows = np.arange(len(va))
    mutual = best_a[best_b] == rows
    return int(np.count_nonzero(mutual & (sims[rows, best_b] >= min_cosine)))


def neighbour_pairs(
    dvecs: npt.NDArray[np.float32],
    k: int,
    min_cosine: float,
    exact_limit: int = 20_000,
    nearest_cosine: float | None = None,
) -> list[Pair]:
    """Document pairs where one is among the other's ``k`` nearest by vector, at ``min_cosine``,
    or is the other's nearest at ``nearest_cosine`` (default: ``min_cosine``).

    Up to ``exact_limit`` documents the search is exact (blocks of a matrix product); above,
    it looks only in cells of similar documents (``cell_neighbour_pairs``, approximate).

    Documents with identical vectors (the same story syndicated many times) take part in the
    search once, through the first of them; each other one is paired with that first one. A
    crowd of copies would otherwise fill every member's ``k`` neighbours with itself, costing
    ``k`` pairs a copy and hiding the one document outside the crowd that it copies.

    Example:
        >>> v = np.array([[1.0, 0.0]] * 4 + [[0.96, 0.28]], dtype=np.float32)
        >>> neighbour_pairs(v, k=1, min_cosine=0.9)
        [(0, 1), (0, 2), (0, 3), (0, 4)]
    """
    if len(dvecs) < 2:
        return []
    first_of = distinct_rows(dvecs)
    firsts = np.unique(first_of)
    reps = dvecs if len(firsts) == len(dvecs) else dvecs[firsts]  # no copy when all differ
    if len(reps) < 2:
        found: list[Pair] = []
    elif len(reps) <= exact_limit:
        found = exact_neighbour_pairs(reps, k, min_cosine, nearest_cosine=nearest_cosine)
    else:
        found = cell_neighbour_pairs(reps, k, min_cosine, nearest_cosine=nearest_cosine)
    if len(firsts) == len(dvecs):
        return found
    pairs = {(int(firsts[a]), int(firsts[b])) for a, b in found}
    copies = np.flatnonzero(first_of != np.arange(len(dvecs)))
    pairs.update((int(first_of[m]), int(m)) for m in copies)
    return sorted(pairs)


def distinct_rows(dvecs: npt.NDArray[np.float32]) -> npt.NDArray[np.int64]:
    """Each row's first identical row (its own position when it is the first).

    All-zero rows (documents with no usable sentence) match nothing, so each stays its own.

    Example:
        >>> v = np.array([[1, 0], [0, 0], [1, 0], [0, 0], [0, 1]], dtype=np.float32)
        >>> distinct_rows(v).tolist()
        [0, 1, 0, 3, 4]
    """
    rows = np.ascontiguousarray(dvecs, dtype=np.float32)
    n = len(rows)
    if n == 0:
        return np.zeros(0, np.int64)
    # a 64-bit hash of each row's bytes groups candidates; equal rows are then checked, so a
    # collision only leaves a row on its own
    mult = np.random.default_rng(0).integers(1, 1 << 63, rows.shape[1], dtype=np.uint64) | 1
    hashes = np.empty(n, np.uint64)
    with np.errstate(over="ignore"):
        for s in range(0, n, 16384):
            hashes[s : s + 16384] = (rows[s : s + 16384].view(np.uint32) * mult).sum(axis=1)
    _, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    first_of: npt.NDArray[np.int64] = first[inverse.reshape(-1)].astype(np.int64)
    dup = np.flatnonzero(first_of != np.arange(n))
    differ = dup[np.any(rows[dup] != rows[first_of[dup]], axis=1)]
    first_of[differ] = differ
    zero = np.flatnonzero(~rows.any(axis=1))
    first_of[zero] = zero
    return first_of


def exact_neighbour_pairs(
    dvecs: npt.NDArray[np.float32],
    k: int,
    min_cosine: float,
    block_bytes: int = 1 << 27,
    nearest_cosine: float | None = None,
) -> list[Pair]:
    """``neighbour_pairs`` by brute force over the upper triangle, a block of rows at a time.

    Each block keeps its entries at ``min_cosine`` or more, cut to the ``k`` best of each row
    and of each column (a document's ``k`` nearest overall are among them); the ``k`` nearest
    of each document are then picked from what the blocks kept. With ``nearest_cosine`` each
    block also offers the best partner of each of its rows and columns, and a document's
    nearest overall is kept from that lower cosine. Ties go to the lower position.

    Example:
        >>> v = np.array([[1.0, 0.0], [0.96, 0.28], [0.0, 1.0]], dtype=np.float32)
        >>> exact_neighbour_pairs(v, k=1, min_cosine=0.9)
        [(0, 1)]
        >>> exact_neighbour_pairs(v, k=1, min_cosine=0.9, nearest_cosine=0.2)
        [(0, 1), (1, 2)]
    """
    n = len(dvecs)
    mat = np.ascontiguousarray(dvecs, dtype=np.float32)
    rows_per_block = max(1, min(n, block_bytes // (4 * n)))
    kept_a, kept_b, kept_v = [], [], []
    best_v = np.full(n, -np.inf)
    best_j = np.full(n, -1, dtype=np.int64)
    for start in range(0, n, rows_per_block):
        stop = min(n, start + rows_per_block)
        width = n - start
        sims = mat[start:stop] @ mat[start:].T  # columns from `start`: the upper triangle
        lower = np.tril_indices(stop - start)  # a pair inside the block counts once
        sims[lower] = -np.inf
        if nearest_cosine is not None:
            _offer(best_v, best_j, np.arange(start, stop), sims, axis=1, offset=start)
            _offer(best_v, best_j, np.arange(start, n), sims, axis=0, offset=start)
        flat = np.flatnonzero(sims >= min_cosine)
        if not len(flat):
            continue
        r, c, v = flat // width, flat % width, np.round(sims.ravel()[flat], 5)
        keep = (_rank_in_groups(r, v, c) < k) | (_rank_in_groups(c, v, r) < k)
        kept_a.append(r[keep] + start)
        kept_b.append(c[keep] + start)
        kept_v.append(v[keep])
    pairs: list[Pair] = []
    if kept_a:
        a, b, v = np.concatenate(kept_a), np.concatenate(kept_b), np.concatenate(kept_v)
        m = len(a)
        ends, others = np.concatenate([a, b]), np.concatenate([b, a])
        near = _rank_in_groups(ends, np.concatenate([v, v]), others) < k
        chosen = near[:m] | near[m:]
        pairs = _sorted_pairs(a[chosen], b[chosen])
    if nearest_cosine is None:
        return pairs
    first = np.flatnonzero((best_j >= 0) & (best_v >= np.round(nearest_cosine, 5)))
    nearest = _sorted_pairs(first.astype(np.int64), best_j[first])
    return sorted(set(pairs) | set(nearest))


def _offer(
    best_v: npt.NDArray[np.float64],
    best_j: npt.NDArray[np.int64],
    docs: npt.NDArray[np.int64],
    sims: npt.NDArray[np.float32],
    axis: int,
    offset: int,
) -> None:
    """Update each of ``docs``' best partner so far with its best in this block of ``sims``
    (rows when ``axis`` is 1, columns when 0).

    One pass over the block (``argmax``, whose first maximum is the lowest position); the
    maxima are compared across blocks rounded to 5 decimals, a tie keeping the lower position.
    """
    if sims.size == 0:
        return
    arg = sims.argmax(axis=axis)
    top = np.take_along_axis(sims, np.expand_dims(arg, axis), axis=axis).squeeze(axis)
    val = np.round(top.astype(np.float64), 5)
    partner = arg.astype(np.int64) + offset
    cur_v, cur_j = best_v[docs], best_j[docs]
    better = np.isfinite(val) & ((val > cur_v) | ((val == cur_v) & (partner < cur_j)))
    best_v[docs[better]] = val[better]
    best_j[docs[better]] = partner[better]


def _rank_in_groups(
    group: npt.NDArray[np.int64], value: npt.NDArray[np.floating], tie: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Rank of each entry inside its group, by ``value`` descending then ``tie`` ascending."""
    order = np.lexsort((tie, -value, group))
    g = group[order]
    first = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1])))
    run_start = np.repeat(first, np.diff(np.concatenate((first, [len(g)]))))
    ranks = np.empty(len(group), dtype=np.int64)
    ranks[order] = np.arange(len(g)) - run_start
    return ranks


def cell_neighbour_pairs(
    dvecs: npt.NDArray[np.float32],
    k: int,
    min_cosine: float,
    nearest_cosine: float | None = None,
    probes: int = 16,
    seed: int = 0,
    block: int = 1 << 24,
) -> list[Pair]:
    """``neighbour_pairs`` over cells of similar documents (approximate, deterministic).

    Spherical k-means on the vectors less their mean (what every news text shares), trained
    on a seeded sample, cuts the collection into ~sqrt(n) cells. Each document is compared
    with the members of the ``probes`` cells whose centres are nearest it, one matrix product
    per cell (``block`` entries at most), and keeps its ``k`` best partners at
    ``min_cosine`` and its nearest at ``nearest_cosine``. Work grows as
    n * probes * sqrt(n) rather than n * n, and nothing depends on threads or timing, so the
    pairs are the same from run to run. On 100,000 news documents, 16 probes find 98.9 % of
    the pairs the exact search finds that pass the sentence check, in a seventh of its time.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> v = rng.standard_normal((400, 16)).astype(np.float32)
        >>> v[7] = v[3] + 0.05
        >>> v /= np.linalg.norm(v, axis=1, keepdims=True)
        >>> (3, 7) in cell_neighbour_pairs(v, k=2, min_cosine=0.9)
        True
    """
    n = len(dvecs)
    mat = np.ascontiguousarray(dvecs, dtype=np.float32)
    n_cells = max(1, min(n, round(float(np.sqrt(n)))))
    probes = min(probes, n_cells)
    centred = mat - mat.mean(axis=0)
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)
    centres = _spherical_kmeans(centred, n_cells, seed)
    probe = _nearest_centres(centred, centres, probes)  # (n, probes), nearest first
    del centred
    cell_of = probe[:, 0]
    order = np.argsort(cell_of, kind="stable")
    bounds = np.searchsorted(cell_of[order], np.arange(n_cells + 1))
    place = np.empty(n, dtype=np.int64)
    place[order] = np.arange(n)  # where each document stands among its cell's members
    # who probes each cell: queries grouped by cell, through one sort of (cell, query)
    flat_cells = probe.ravel()
    by_cell = np.argsort(flat_cells, kind="stable")
    q_bounds = np.searchsorted(flat_cells[by_cell], np.arange(n_cells + 1))
    best_v = np.full(n, -np.inf, dtype=np.float32)
    best_j = np.full(n, -1, dtype=np.int64)
    found_q, found_m, found_v = [], [], []
    for c, s in _cell_blocks(bounds, q_bounds, block):
        pool = order[bounds[c] : bounds[c + 1]]
        queries = by_cell[s] // probes
        sims = mat[queries] @ mat[pool].T
        own = np.flatnonzero(cell_of[queries] == c)  # queries in this cell: not themselves
        sims[own, place[queries[own]] - bounds[c]] = -np.inf
        # the nearest so far; a tie keeps the partner found first
        arg = sims.argmax(axis=1)
        top = sims[np.arange(len(queries)), arg]
        better = top > best_v[queries]
        best_v[queries[better]] = top[better]
        best_j[queries[better]] = pool[arg[better]]
        # rare: kept whole, ranked at the end; only rows whose best reaches it can hold one
        rows = np.flatnonzero(top >= min_cosine)
        r, m = np.nonzero(sims[rows] >= min_cosine)
        r = rows[r]
        found_q.append(queries[r])
        found_m.append(pool[m])
        found_v.append(np.round(sims[r, m], 5))
    pairs: list[Pair] = []
    if found_q:
        q, m, v = np.concatenate(found_q), np.concatenate(found_m), np.concatenate(found_v)
        near = _rank_in_groups(q, v, m) < k
        pairs = _sorted_pairs(q[near], m[near])
    low = min_cosine if nearest_cosine is None else nearest_cosine
    first = np.flatnonzero((best_j >= 0) & (best_v >= low))
    return sorted(set(pairs) | set(_sorted_pairs(first.astype(np.int64), best_j[first])))


def _cell_blocks(
    bounds: npt.NDArray[np.int64], q_bounds: npt.NDArray[np.int64], block: int
) -> Iterator[tuple[int, slice]]:
    """``(cell, slice of its queries)`` with at most ``block`` query-member products each."""
    for c in range(len(bounds) - 1):
        size = int(bounds[c + 1] - bounds[c])
        lo, hi = int(q_bounds[c]), int(q_bounds[c + 1])
        if size == 0 or hi == lo:
            continue
        step = max(1, block // size)
        for s in range(lo, hi, step):
            yield c, slice(s, min(hi, s + step))


def _spherical_kmeans(
    mat: npt.NDArray[np.float32], n_cells: int, seed: int, rounds: int = 8, per_cell: int = 40
) -> npt.NDArray[np.float32]:
    """Unit cell centres from a seeded sample of ``per_cell`` rows a cell."""
    rng = np.random.default_rng(seed)
    n = len(mat)
    sample = mat[np.sort(rng.choice(n, size=min(n, n_cells * per_cell), replace=False))]
    centres = sample[np.sort(rng.choice(len(sample), size=n_cells, replace=False))].copy()
    for _ in range(rounds):
        assign = _nearest_centres(sample, centres, 1)[:, 0]
        sums = np.zeros_like(centres)
        np.add.at(sums, assign, sample)
        norms = np.linalg.norm(sums, axis=1)
        filled = norms > 0
        centres[filled] = sums[filled] / norms[filled, None]
    return centres


def _nearest_centres(
    mat: npt.NDArray[np.float32], centres: npt.NDArray[np.float32], m: int, block: int = 8192
) -> npt.NDArray[np.int64]:
    """Each row's ``m`` nearest centres, nearest first."""
    out = np.empty((len(mat), m), dtype=np.int64)
    for s in range(0, len(mat), block):
        sims = mat[s : s + block] @ centres.T
        top = np.argpartition(-sims, m - 1, axis=1)[:, :m] if m < sims.shape[1] else None
        if top is None:
            top = np.broadcast_to(np.arange(sims.shape[1]), sims.shape).copy()
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable")
        out[s : s + block] = np.take_along_axis(top, order, axis=1)
    return out


PAD_SENTENCES = 64  # documents up to this many usable sentences are checked in batches


def close_sentence_pairs_many(
    pairs: Sequence[tuple[npt.NDArray[np.floating], npt.NDArray[np.floating]]],
    min_cosine: float,
    chunk: int = 256,
) -> npt.NDArray[np.int64]:
    """``close_sentence_pairs`` of each ``(va, vb)``, up to ``chunk`` pairs in one product.

    Pairs whose documents both have at most ``PAD_SENTENCES`` sentences are padded to the
    next of 8, 16, 32 or 64 sentences and compared as stacks of matrix products (a per-pair
    call costs more in numpy's overhead than in arithmetic); the others go one by one. A
    pair's padded shape is its own, so its numbers do not depend on the pairs stacked with it
    and both engines, whatever their chunks, agree.

    Example:
        >>> e = np.eye(3, dtype=np.float32)
        >>> close_sentence_pairs_many([(e, e), (e[:1], e[1:]), (e[:0], e)], 0.9).tolist()
        [3, 0, 0]
    """
    counts = np.zeros(len(pairs), dtype=np.int64)
    by_size: dict[int, list[int]] = defaultdict(list)
    for k, (va, vb) in enumerate(pairs):
        longest = max(len(va), len(vb))
        if not len(va) or not len(vb):
            continue
        if longest > PAD_SENTENCES:
            counts[k] = close_sentence_pairs(va, vb, min_cosine)
            continue
        size = 8  # padded to a size of its own (8, 16, 32 or 64): a pair's shape is its own
        while size < longest:
            size *= 2
        by_size[size].append(k)
    for size, group in sorted(by_size.items()):
        dim = pairs[group[0]][0].shape[1]
        pad = np.arange(size)
        for s in range(0, len(group), chunk):
            ks = group[s : s + chunk]
            a = np.zeros((len(ks), size, dim), dtype=np.float32)
            b = np.zeros_like(a)
            na = np.zeros(len(ks), dtype=np.int64)
            nb = np.zeros(len(ks), dtype=np.int64)
            for r, k in enumerate(ks):
                va, vb = pairs[k]
                a[r, : len(va)], b[r, : len(vb)] = va, vb
                na[r], nb[r] = len(va), len(vb)
            row_ok = pad[None, :] < na[:, None]
            sims = a @ b.transpose(0, 2, 1)
            sims[~row_ok[:, :, None] | ~(pad[None, :] < nb[:, None])[:, None, :]] = -np.inf
            best_b = sims.argmax(axis=2)
            best_a = sims.argmax(axis=1)
            mutual = np.take_along_axis(best_a, best_b, axis=1) == pad[None, :]
            top = np.take_along_axis(sims, best_b[:, :, None], axis=2)[:, :, 0]
            counts[ks] = np.count_nonzero(mutual & row_ok & (top >= min_cosine), axis=1)
    return counts


def _sorted_pairs(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> list[Pair]:
    """Distinct ``(low, high)`` pairs of positions, sorted."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    uniq = np.unique(np.stack([lo, hi], axis=1), axis=0) if len(lo) else np.zeros((0, 2), int)
    return [(int(x), int(y)) for x, y in uniq]


CHECK_PAIRS = 4096  # neighbour pairs whose sentences are checked in one part


def semantic_candidates(
    vectors: Rows,
    offsets: npt.NDArray[np.int64],
    usable: npt.NDArray[np.bool_],
    out: Candidates,
    config: CandidateConfig | None = None,
    dvecs: npt.NDArray[np.float32] | None = None,
    threads: int = 1,
) -> Candidates:
    """Neighbouring documents that share ``min_pairs`` close sentence pairs.

    Args:
        vectors: Unit sentence vectors of all documents, concatenated.
        offsets: ``vectors[offsets[d]:offsets[d+1]]`` are document ``d``'s sentences.
        usable: Per sentence, whether it counts (body text, long enough, not a hub).
        out: Candidates to add to.
        config: Limits.
        dvecs: ``doc_vectors`` of the same input, when already computed.
        threads: Parts of the sentence check run at once. Reading rows from a file and the
            small matrix products release the GIL; the pairs found are the same for any
            number.
    """
    cfg = config or CandidateConfig()
    if dvecs is None:
        dvecs = doc_vectors(vectors, offsets, usable)
    pairs = neighbour_pairs(dvecs, cfg.k, cfg.min_doc_cosine, nearest_cosine=cfg.nearest_cosine)
    crowd = crowd_labels(out.pairs(), len(dvecs), cfg.max_bucket)
    # already proposed, or both in one crowd the lexical pairs join: nothing to check
    todo = [(i, j) for i, j in pairs if (i, j) not in out and not crowd[i] == crowd[j] >= 0]

    def check(part: Sequence[Pair]) -> list[tuple[int, int, int]]:
        held: dict[int, npt.NDArray[np.floating]] = {}
        for d in sorted({d for pair in part for d in pair}):
            sd = slice(offsets[d], offsets[d + 1])
            held[d] = vectors[sd][usable[sd]].astype(np.float32)  # once a document
        return sentence_checked(part, held, cfg)

    parts = [todo[s : s + CHECK_PAIRS] for s in range(0, len(todo), CHECK_PAIRS)]
    if threads <= 1 or len(parts) < 2:
        checked: Iterable[list[tuple[int, int, int]]] = map(check, parts)
    else:
        from concurrent.futures import ThreadPoolExecutor

        from threadpoolctl import threadpool_limits

        # one BLAS thread each: the products are small, and spinning BLAS threads would take
        # the cores from the threads' own work
        with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(threads) as pool:
            checked = list(pool.map(check, parts))  # at most `threads` parts held at once
    for found in checked:
        for i, j, n in found:
            out.add(i, j, "semantic", n)
    return out


def sentence_checked(
    pairs: Sequence[Pair], held: Mapping[int, npt.NDArray[np.floating]], cfg: CandidateConfig
) -> list[tuple[int, int, int]]:
    """``(i, j, close pairs)`` for the neighbour pairs that share ``min_pairs`` close sentence
    pairs (all of the shorter document's, when it has fewer); ``held`` maps each document to
    its usable sentence vectors. Both engines decide semantic candidates here."""
    found = close_sentence_pairs_many([(held[i], held[j]) for i, j in pairs], cfg.min_cosine)
    out = []
    for (i, j), n in zip(pairs, found.tolist(), strict=True):
        need = min(cfg.min_pairs, len(held[i]), len(held[j]))
        if need and n >= need:
            out.append((i, j, n))
    return out

"""Connected components of an edge list, computed distributedly (large-star / small-star).

The clustering step of a dedup must not gather every edge on one node. This module follows
Kiveris et al., *Connected Components in MapReduce and Beyond* (SoCC 2014): two operations that
each group the edges by node, alternated until the graph is a forest of stars whose centre is
the smallest node of its component.

- **large-star**: node ``u`` with neighbours ``N(u)`` and ``m = min(N(u) ∪ {u})`` links every
  larger neighbour ``v > u`` to ``m``.
- **small-star**: node ``u`` with smaller neighbours ``S = {v ∈ N(u) : v < u}`` links every node
  of ``S ∪ {u}`` to ``min(S)``.

Both keep the components and shrink the distance to the minimum; ``O(log² n)`` rounds are
enough and a handful suffice in practice. The graph is a star forest (finished) when no node
has both a smaller and a larger neighbour and none has two smaller ones; each node's label is
then the smallest id of its component, so the result is deterministic.

``star_components`` runs the same iteration in plain Python (the reference for tests);
``ray_components`` runs it over Ray Data, one sort-based shuffle per operation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

Edges = set[tuple[int, int]]
IntArray = npt.NDArray[np.int64]


def _normalised(edges: Iterable[tuple[int, int]]) -> Edges:
    return {(min(a, b), max(a, b)) for a, b in edges if a != b}


def _neighbours(edges: Edges) -> dict[int, set[int]]:
    adj: dict[int, set[int]] = defaultdict(set)
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)
    return adj


def large_star(edges: Edges) -> Edges:
    """One large-star operation over undirected edges ``(a, b)`` with ``a < b``."""
    out: Edges = set()
    for u, nbrs in _neighbours(edges).items():
        m = min(min(nbrs), u)
        out.update((m, v) for v in nbrs if v > u)
    return out


def small_star(edges: Edges) -> Edges:
    """One small-star operation over undirected edges ``(a, b)`` with ``a < b``."""
    out: Edges = set()
    for u, nbrs in _neighbours(edges).items():
        smaller = [v for v in nbrs if v < u]
        if not smaller:
            continue
        m = min(smaller)
        out.update((m, v) for v in [*smaller, u] if v != m)
    return out


def is_star_forest(edges: Edges) -> bool:
    """True when every component is a star centred on its smallest node."""
    for u, nbrs in _neighbours(edges).items():
        smaller = sum(1 for v in nbrs if v < u)
        if smaller > 1 or (smaller == 1 and len(nbrs) > 1):
            return False
    return True


def star_labels(edges: Edges) -> dict[int, int]:
    """Node -> smallest neighbour or itself, for a star forest."""
    labels: dict[int, int] = {}
    for a, b in edges:
        labels[a] = min(labels.get(a, a), a)
        labels[b] = min(labels.get(b, a), a)
    return labels


def star_components(
    edges: Iterable[tuple[int, int]], max_rounds: int = 100
) -> tuple[dict[int, int], int]:
    """Connected components by alternating large-star and small-star, in one process.

    Args:
        edges: Undirected edges; self-loops and duplicates are ignored.
        max_rounds: Safety bound on (large-star, small-star) rounds.

    Returns:
        ``(labels, rounds)``: every node that has an edge mapped to the smallest node of its
        component, and the rounds it took.

    Example:
        >>> star_components([(5, 3), (3, 9), (7, 8)])[0]
        {3: 3, 5: 3, 9: 3, 7: 7, 8: 7}
    """
    current = _normalised(edges)
    rounds = 0
    while not is_star_forest(current):
        if rounds >= max_rounds:
            raise RuntimeError(f"components did not converge in {max_rounds} rounds")
        current = small_star(large_star(current))
        rounds += 1
    labels = star_labels(current)
    return dict(sorted(labels.items(), key=lambda kv: (kv[1], kv[0]))), rounds


# Ray Data version: the same operations, vectorised over a block of rows ``(u, v)`` sorted by
# ``u`` (every edge listed from both ends). A sort range-partitions by ``u``, so all the rows of a
# node land in one block, which is what ``groupby().map_groups()`` relies on too, without its
# per-group Python call.


def _both_ways(batch: dict[str, IntArray]) -> dict[str, IntArray]:
    a, b = batch["a"], batch["b"]
    keep = a != b
    a, b = a[keep], b[keep]
    return {"u": np.concatenate([a, b]), "v": np.concatenate([b, a])}


def _runs(batch: dict[str, IntArray]) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Unique ``(u, v)`` rows sorted by ``u`` then ``v``, the run index of each row, and the
    start of each run."""
    if len(batch["u"]) == 0:
        z = np.zeros(0, np.int64)
        return z, z, z, z
    uv = np.unique(np.stack([batch["u"], batch["v"]], axis=1).astype(np.int64), axis=0)
    u, v = uv[:, 0], uv[:, 1]
    starts = np.concatenate(([0], np.flatnonzero(u[1:] != u[:-1]) + 1))
    run = np.cumsum(np.isin(np.arange(len(u)), starts)) - 1
    return u, v, run, starts


def _large_star_block(batch: dict[str, IntArray]) -> dict[str, IntArray]:
    u, v, run, starts = _runs(batch)
    # v is sorted within a run, so its first value is the smallest neighbour
    m = np.minimum(v[starts], u[starts])[run]
    keep = v > u
    return {"a": m[keep], "b": v[keep], "bad": np.zeros(int(keep.sum()), np.int64)}


def _small_star_block(batch: dict[str, IntArray]) -> dict[str, IntArray]:
    u, v, run, starts = _runs(batch)
    smaller = v < u
    n_smaller = np.bincount(run[smaller], minlength=len(starts))
    n_all = np.diff(np.concatenate((starts, [len(u)])))
    # measured on the input of small-star, which is the output of large-star
    bad = ((n_smaller > 1) | ((n_smaller == 1) & (n_all > 1))).astype(np.int64)
    m = v[starts][run]
    leaf = smaller & (v != m)
    has = n_smaller > 0
    centres = v[starts][has]
    return {
        "a": np.concatenate([m[leaf], centres]),
        "b": np.concatenate([v[leaf], u[starts][has]]),
        "bad": np.concatenate([np.zeros(int(leaf.sum()), np.int64), bad[has]]),
    }


def _labels_block(batch: dict[str, IntArray]) -> dict[str, IntArray]:
    u, v, _, starts = _runs(batch)
    return {"node": u[starts], "label": np.minimum(v[starts], u[starts])}


def _star_op(ds: Any, fn: Any, blocks: int) -> Any:
    return (
        ds.map_batches(_both_ways, batch_format="numpy")
        .repartition(blocks)
        .sort("u")
        .map_batches(fn, batch_format="numpy", batch_size=None)
    )


def configure_data_context() -> None:
    """Ray Data settings that keep small runs fast on a few CPUs.

    The default hash shuffle starts aggregator actors that take ~10 s per shuffle on 2 CPUs;
    the sort-based shuffle has no such start-up and is just as correct. A dataset keeps the
    context it was created under, so call this before building datasets.
    """
    import ray.data
    from ray.data.context import ShuffleStrategy

    ctx = ray.data.DataContext.get_current()
    ctx.shuffle_strategy = ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    ctx.execution_options.preserve_order = True


def ray_components(edges: Any, max_rounds: int = 100) -> tuple[Any, int]:
    """Connected components of a Ray dataset of edges with int64 columns ``a`` and ``b``.

    Args:
        edges: A ``ray.data.Dataset`` of undirected edges.
        max_rounds: Safety bound on (large-star, small-star) rounds.

    Returns:
        ``(labels, rounds)``: a materialized dataset with columns ``node`` and ``label`` (the
        smallest node of the component), one row per node that has an edge, and the number of
        rounds. Matches ``star_components`` exactly.
    """
    import ray.data

    configure_data_context()
    # a dataset keeps the DataContext it was created under: rebuild it under ours
    current = ray.data.from_arrow_refs(
        edges.select_columns(["a", "b"]).materialize().to_arrow_refs()
    ).materialize()
    blocks = max(1, min(200, current.count() // 250_000 + 1))
    rounds = 0
    while True:
        large = _star_op(current, _large_star_block, blocks).select_columns(["a", "b"])
        small = _star_op(large, _small_star_block, blocks).materialize()
        rounds += 1
        if small.count() == 0 or small.sum("bad") == 0:
            # the large-star output was already a star forest, and small-star keeps stars
            current = small
            break
        if rounds >= max_rounds:
            raise RuntimeError(f"components did not converge in {max_rounds} rounds")
        current = small.select_columns(["a", "b"])
    labels = _star_op(current.select_columns(["a", "b"]), _labels_block, blocks).materialize()
    return labels, rounds

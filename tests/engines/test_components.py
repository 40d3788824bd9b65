"""Large-star / small-star connected components against union-find."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.collection.cluster import UnionFind
from retold.engines.components import (
    is_star_forest,
    large_star,
    small_star,
    star_components,
)


def _union_find(edges: list[tuple[int, int]]) -> dict[int, int]:
    nodes = sorted({x for a, b in edges if a != b for x in (a, b)})
    uf = UnionFind(max(nodes, default=-1) + 1)
    for a, b in edges:
        if a != b:
            uf.union(a, b)
    return {x: uf.find(x) for x in nodes}


edge_lists = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=0, max_size=80)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(edge_lists)
def test_star_components_equal_union_find(edges: list[tuple[int, int]]) -> None:
    labels, _ = star_components(edges)
    assert labels == _union_find(edges)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(edge_lists)
def test_each_operation_keeps_the_components(edges: list[tuple[int, int]]) -> None:
    norm = {(min(a, b), max(a, b)) for a, b in edges if a != b}
    for op in (large_star, small_star):
        assert _union_find(sorted(op(norm))) == _union_find(sorted(norm))


def test_long_path_converges_to_the_smallest_node() -> None:
    rng = random.Random(7)
    nodes = list(range(500))
    rng.shuffle(nodes)
    edges = list(itertools.pairwise(nodes))
    labels, rounds = star_components(edges)
    assert set(labels.values()) == {0}
    assert rounds < 20


def test_star_forest_check() -> None:
    assert is_star_forest({(1, 2), (1, 3), (4, 5)})
    assert not is_star_forest({(1, 2), (2, 3)})  # 2 has a smaller and a larger neighbour
    assert not is_star_forest({(1, 3), (2, 3)})  # 3 has two smaller neighbours


@pytest.mark.ray
def test_ray_components_equal_union_find(ray_session: object) -> None:
    import numpy as np
    import ray.data

    from retold.engines.components import configure_data_context, ray_components

    configure_data_context()
    for seed in (1, 2):
        rng = random.Random(seed)
        n = 400
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(300)]
        edges += [(k, k + 1) for k in range(100, 160)]  # a long chain needs several rounds
        arr = np.array(edges, np.int64)
        ds = ray.data.from_numpy(arr).map_batches(
            lambda b: {"a": b["data"][:, 0], "b": b["data"][:, 1]}, batch_format="numpy"
        )
        labels, rounds = ray_components(ds)
        got = {int(r["node"]): int(r["label"]) for r in labels.iter_rows()}
        assert got == _union_find(edges)
        assert rounds >= 2

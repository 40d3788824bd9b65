"""Clusters of reuse: union-find over verified edges, a source per cluster, JSON-ready records.

A cluster is a connected set of documents joined by reuse verdicts (identical, near-duplicate,
rewrite, partial); related and unrelated edges never join. Each cluster's source is the
earliest ``published`` member, else the member the direction guesses point to most (the text
that covers the others), then the longest text, then the smallest id. Every other member is
reported against that source; a member whose own text shares nothing with the source (it joined
through another copy) is reported against the member it copies, named in ``via``. Following
``via`` from any member always ends at the source.

Everything is ordered by ids and positions, so the same input gives the same clusters.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from retold.collection.verify import Edge, SameTexts
from retold.documents import Alignment, Comparison, Direction, Document, Link


class UnionFind:
    """Disjoint sets over ``0..n-1``; the root of a set is its smallest element.

    Example:
        >>> uf = UnionFind(4); uf.union(3, 1); uf.union(1, 2)
        >>> uf.groups()
        [[1, 2, 3]]
    """

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            lo, hi = (rx, ry) if rx < ry else (ry, rx)
            self.parent[hi] = lo

    def groups(self) -> list[list[int]]:
        """Sets of two or more elements, each sorted, ordered by smallest element."""
        out: dict[int, list[int]] = defaultdict(list)
        for x in range(len(self.parent)):
            out[self.find(x)].append(x)
        return [g for _, g in sorted(out.items()) if len(g) > 1]


def flip(c: Comparison) -> Comparison:
    """The same comparison with sides A and B swapped."""
    links = tuple(
        Link(lk.b, lk.a, lk.similarity, lk.kind, lk.moved)
        for lk in sorted(c.alignment.links, key=lambda lk: (lk.b, lk.a))
    )
    side = {"a": "b", "b": "a"}.get(c.direction.source or "")
    changes = tuple(
        replace(ch, a=ch.b, b=ch.a, a_sentence=ch.b_sentence, b_sentence=ch.a_sentence)
        for ch in c.changes
    )
    return replace(
        c,
        a=c.b,
        b=c.a,
        coverage_a=c.coverage_b,
        coverage_b=c.coverage_a,
        direction=Direction(side, c.direction.confidence, c.direction.reason),
        alignment=Alignment(links, c.alignment.b_only, c.alignment.a_only),
        changes=changes,
        language_a=c.language_b,
        language_b=c.language_a,
        rewriting=(
            replace(c.rewriting, copy={"a": "b", "b": "a"}[c.rewriting.copy])
            if c.rewriting is not None
            else None
        ),
    )


def _date(doc: Document) -> datetime | None:
    if not doc.published:
        return None
    try:
        return datetime.fromisoformat(doc.published.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def choose_source(members: Sequence[int], docs: Sequence[Document], edges: Iterable[Edge]) -> int:
    """Earliest published member, else the one direction guesses favour, longest, smallest id."""
    dated = [(d, docs[m].id, m) for m in members if (d := _date(docs[m])) is not None]
    if dated:
        return min(dated)[2]
    score: dict[int, float] = defaultdict(float)
    for e in edges:
        src = e.comparison.direction.source
        if src == "a":
            score[e.i] += e.comparison.direction.confidence
        elif src == "b":
            score[e.j] += e.comparison.direction.confidence
    return min(members, key=lambda m: (-score[m], -len(docs[m].text), docs[m].id))


@dataclass
class Cluster:
    """One cluster: its source position and, per copy, the comparison reported for it.

    Attributes:
        source: Position of the source document.
        copies: ``(position, comparison with a = the reference, reference position)``.
    """

    source: int
    copies: list[tuple[int, Comparison, int]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + len(self.copies)


def build_clusters(
    n_docs: int,
    edges: Sequence[Edge],
    docs: Sequence[Document],
    compare: Callable[[int, int], Comparison | None],
    max_compared: int = 50,
) -> list[Cluster]:
    """The clustering stage.

    Args:
        n_docs: Number of documents (positions ``0..n_docs-1``).
        edges: Every verified edge; only reuse verdicts join documents.
        docs: Documents by position (for ids, dates and lengths).
        compare: ``compare(i, j)`` compares two positions not verified yet (a member against the
            chosen source); may return None when either side has no text.
        max_compared: In a cluster of more documents than this (a syndicated story), a member
            with no verified edge to the source is not compared with it again: it is reported
            against the copy it was verified with (``via``), so the stage costs what the
            edges cost, not one more comparison a member.

    Returns:
        Clusters ordered by size (largest first) then source id.
    """
    reuse = [e for e in edges if e.comparison.verdict.is_reuse]
    uf = UnionFind(n_docs)
    for e in reuse:
        uf.union(e.i, e.j)
    by_pair: dict[tuple[int, int], Edge] = {}
    for e in edges:
        by_pair[(min(e.i, e.j), max(e.i, e.j))] = e
    by_root: dict[int, list[Edge]] = defaultdict(list)
    for e in reuse:
        by_root[uf.find(e.i)].append(e)
    clusters = []
    seen = SameTexts()  # a syndicated story's copies share one text: compare it once
    for group in uf.groups():
        group_edges = by_root[group[0]]
        src = choose_source(group, docs, group_edges)
        cluster = Cluster(src)
        attached: dict[int, tuple[Comparison, int]] = {}
        crowd = len(group) > max_compared
        for m in sorted((x for x in group if x != src), key=lambda x: docs[x].id):
            c = _oriented(by_pair, src, m)
            if c is None and not crowd:
                c = seen.get(docs[src], docs[m])
                if c is None:
                    c = compare(src, m)
                    if c is not None:
                        seen.put(c.a, c.b, c)
                if c is not None:
                    by_pair[(min(src, m), max(src, m))] = Edge(src, m, c)
            if c is not None and c.verdict.is_reuse:
                attached[m] = (c, src)
        _attach_through_copies(src, group_edges, attached)
        for m in sorted(attached, key=lambda x: docs[x].id):
            c, ref = attached[m]
            cluster.copies.append((m, c, ref))
        clusters.append(cluster)
    clusters.sort(key=lambda c: (-c.size, docs[c.source].id))
    return clusters


def _attach_through_copies(
    src: int, edges: Sequence[Edge], attached: dict[int, tuple[Comparison, int]]
) -> None:
    """Report each member that shares nothing with the source against the member it copies.

    Members are reached outward from the source and those already attached to it, always along
    the strongest reuse edge (least coverage of its two sides) from a reached member, so every
    ``via`` chain ends at the source: two copies never name each other.
    """
    adjacent: dict[int, list[int]] = defaultdict(list)
    for k, e in enumerate(edges):
        adjacent[e.i].append(k)
        adjacent[e.j].append(k)
    heap: list[tuple[float, int, int, int, int]] = []

    def reach(x: int) -> None:
        for k in adjacent[x]:
            e = edges[k]
            strength = min(e.comparison.coverage_a, e.comparison.coverage_b)
            heapq.heappush(heap, (-strength, min(e.i, e.j), max(e.i, e.j), x, k))

    reached = {src, *attached}
    for x in sorted(reached):
        reach(x)
    while heap:
        _, i, j, ref, k = heapq.heappop(heap)
        m = j if i == ref else i
        if m in reached:
            continue
        e = edges[k]
        attached[m] = (e.comparison if e.i == ref else flip(e.comparison), ref)
        reached.add(m)
        reach(m)


def _oriented(by_pair: dict[tuple[int, int], Edge], a: int, b: int) -> Comparison | None:
    e = by_pair.get((min(a, b), max(a, b)))
    if e is None:
        return None
    return e.comparison if e.i == a else flip(e.comparison)


def _member(doc: Document, role: str) -> dict[str, Any]:
    return {
        "id": doc.id,
        "role": role,
        "title": doc.title,
        "published": doc.published,
        "url": doc.url,
    }


def cluster_record(number: int, cluster: Cluster, docs: Sequence[Document]) -> dict[str, Any]:
    """One line of clusters.jsonl (see docs/formats.md)."""
    members = [_member(docs[cluster.source], "source")]
    for m, c, ref in cluster.copies:
        links = c.alignment.links
        entry = _member(docs[m], "copy")
        entry.update(
            {
                "verdict": str(c.verdict),
                "coverage": {"source": round(c.coverage_a, 4), "copy": round(c.coverage_b, 4)},
                "similarity": round(sum(lk.similarity for lk in links) / len(links), 4)
                if links
                else 0.0,
                "direction": c.direction.to_dict(),
                "links": [lk.to_dict() for lk in links],
                "source_only": list(c.alignment.a_only),
                "copy_only": list(c.alignment.b_only),
                "changes": [ch.to_dict() for ch in c.changes],
            }
        )
        if ref != cluster.source:
            entry["via"] = docs[ref].id
        members.append(entry)
    return {
        "cluster": number,
        "source": docs[cluster.source].id,
        "size": cluster.size,
        "members": members,
    }

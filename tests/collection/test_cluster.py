"""Union-find, source choice, comparison flipping and cluster records."""

from __future__ import annotations

from retold.collection.cluster import UnionFind, build_clusters, cluster_record, flip
from retold.collection.verify import Edge, LexicalComparer
from retold.documents import Comparison, Document
from retold.segment import segment

BASE = (
    "The council approved a new tram line on Tuesday after a long debate. "
    "Construction will start in the spring and last three years. "
    "The line will link the harbour with the university campus. "
    "Opponents said the budget of 400 million was far too high."
)
EXTRA = " A public meeting about the route is planned for next month."
OTHER = (
    "A rare orchid was found in a forest north of the town last week. "
    "Botanists said the plant had not been seen there for forty years. "
    "The exact place will be kept secret to protect it from collectors."
)


def _docs() -> list[Document]:
    return [
        Document("c", BASE + EXTRA, published="2024-05-03"),
        Document("a", BASE, published="2024-05-02"),
        Document("b", BASE + EXTRA + " More details will follow."),
        Document("z", OTHER),
    ]


def _edges(docs: list[Document], pairs: list[tuple[int, int]]) -> list[Edge]:
    cmp = LexicalComparer()
    segs = [segment(d) for d in docs]
    return [Edge(i, j, cmp.compare_segmented(segs[i], segs[j])) for i, j in pairs]


def test_union_find_groups_sorted() -> None:
    uf = UnionFind(6)
    uf.union(5, 3)
    uf.union(0, 1)
    uf.union(3, 4)
    assert uf.groups() == [[0, 1], [3, 4, 5]]


def test_flip_twice_is_identity() -> None:
    docs = _docs()
    c = _edges(docs, [(0, 2)])[0].comparison
    f = flip(c)
    assert (f.a.id, f.b.id, f.coverage_a) == ("b", "c", c.coverage_b)
    assert all(fl.a == lk.b for fl, lk in zip(f.alignment.links, c.alignment.links, strict=True))
    assert flip(f).alignment == c.alignment


def test_clusters_use_earliest_published_source_and_compare_members_to_it() -> None:
    docs = _docs()
    segs = [segment(d) for d in docs]
    cmp = LexicalComparer()
    calls: list[tuple[int, int]] = []

    def compare(i: int, j: int):  # type: ignore[no-untyped-def]
        calls.append((i, j))
        return cmp.compare_segmented(segs[i], segs[j])

    # c-b and c-a verified; z unrelated to everything
    edges = _edges(docs, [(0, 2), (0, 1), (0, 3)])
    clusters = build_clusters(len(docs), edges, docs, compare)
    assert len(clusters) == 1
    cl = clusters[0]
    assert docs[cl.source].id == "a"  # earliest published
    assert calls == [(1, 2)]  # b was only verified against c: compared with the source now
    rec = cluster_record(0, cl, docs)
    assert rec["source"] == "a" and rec["size"] == 3
    assert [m["id"] for m in rec["members"]] == ["a", "b", "c"]
    assert rec["members"][0]["role"] == "source"
    copy = rec["members"][2]
    assert copy["verdict"] in ("near-duplicate", "partial")
    assert set(copy) >= {
        "coverage",
        "similarity",
        "direction",
        "links",
        "source_only",
        "copy_only",
        "changes",
    }
    assert copy["coverage"]["source"] == 1.0  # all of the source is in the copy


def test_without_dates_the_covering_text_is_source() -> None:
    docs = [Document(d.id, d.text) for d in _docs()]
    edges = _edges(docs, [(0, 1), (0, 2), (1, 2)])
    clusters = build_clusters(len(docs), edges, docs, lambda i, j: None)
    assert docs[clusters[0].source].id == "b"  # b holds the others' text and more


P = [
    "The regional court ruled on Friday that the old mill must be preserved.",
    "Developers had planned to replace the building with two hundred flats.",
    "Residents collected eleven thousand signatures against the demolition.",
    "The mayor said the town would now look for a new use for the mill.",
]
Q = [
    "Snow closed the mountain pass for the third time this winter on Sunday.",
    "Drivers waited for hours before the road crews cleared the last drifts.",
]
R = [
    "A ferry service across the lake will resume in April after repairs.",
    "The operator said the new engines would cut fuel use by a quarter.",
    "Tickets will cost the same as last year, the company announced.",
]


def _via_docs() -> list[Document]:
    return [
        Document("s", " ".join(P), published="2024-01-01"),
        Document("m1", " ".join(P[:2] + Q), published="2024-01-02"),
        Document("m2", " ".join(Q + R), published="2024-01-03"),
        Document("m3", " ".join(Q[:1] + R), published="2024-01-04"),
    ]


def test_via_chains_end_at_the_source_and_name_the_pair_that_justifies_the_verdict() -> None:
    docs = _via_docs()
    segs = [segment(d) for d in docs]
    cmp = LexicalComparer()
    # m2 and m3 share nothing with s: each reaches the cluster only through the copies
    edges = _edges(docs, [(0, 1), (1, 2), (2, 3)])
    assert all(e.comparison.verdict.is_reuse for e in edges)
    clusters = build_clusters(
        len(docs), edges, docs, lambda i, j: cmp.compare_segmented(segs[i], segs[j])
    )
    assert len(clusters) == 1
    rec = cluster_record(0, clusters[0], docs)
    assert rec["source"] == "s"
    members = {m["id"]: m for m in rec["members"][1:]}
    assert "via" not in members["m1"]
    for m in members.values():
        seen = {m["id"]}
        ref = m.get("via")
        while ref is not None:
            assert ref not in seen  # no loop
            seen.add(ref)
            ref = members[ref].get("via") if ref in members else None
        assert m.get("via") is None or m["via"] in members
    # each copy's comparison is the one against the member it names
    for m, c, ref in clusters[0].copies:
        assert (c.a.id, c.b.id) == (docs[ref].id, docs[m].id)
        assert c.verdict.is_reuse
    assert (members["m2"]["via"], members["m3"]["via"]) == ("m1", "m2")


def test_a_crowd_is_clustered_through_its_edges_without_comparing_each_member_again() -> None:
    # a story copied by many papers: a chain of verified edges, no member verified with the
    # first; a crowd this size costs no comparison beyond its edges, a small cluster does
    docs = [Document(f"p{k:03d}", BASE + f" Edition {k} of the paper.") for k in range(12)]
    edges = _edges(docs, [(k, k + 1) for k in range(11)])
    calls: list[tuple[int, int]] = []

    def compare(i: int, j: int) -> None:
        calls.append((i, j))

    (crowd,) = build_clusters(len(docs), edges, docs, compare, max_compared=10)  # type: ignore[arg-type]
    assert calls == []
    assert crowd.size == 12 and len(crowd.copies) == 11
    refs = {m: ref for m, _, ref in crowd.copies}
    for m in refs:  # every copy leads to the source through the copies it was verified with
        seen = {m}
        while m != crowd.source:
            m = refs[m]
            assert m not in seen
            seen.add(m)
    build_clusters(len(docs), edges, docs, compare, max_compared=50)  # type: ignore[arg-type]
    assert calls  # the same cluster, small enough: members are compared with the source


def test_copies_with_one_text_are_compared_with_the_source_once() -> None:
    docs = [Document("src", BASE + EXTRA, published="2024-05-01")]
    docs += [Document(f"c{k}", BASE, published="2024-05-02") for k in range(5)]
    segs = [segment(d) for d in docs]
    cmp = LexicalComparer()
    calls: list[tuple[int, int]] = []

    def compare(i: int, j: int) -> Comparison:
        calls.append((i, j))
        return cmp.compare_segmented(segs[i], segs[j])

    # the source was verified with one copy, the copies with each other
    edges = _edges(docs, [(0, 1), (1, 2), (1, 3), (1, 4), (1, 5)])
    (cluster,) = build_clusters(len(docs), edges, docs, compare)
    assert cluster.source == 0
    assert calls == [(0, 2)]  # c1 compared; c2..c4 have its text and reuse its comparison
    assert [ref for _, _, ref in cluster.copies] == [0] * 5
    assert [c.b.id for _, c, _ in cluster.copies] == [f"c{k}" for k in range(5)]

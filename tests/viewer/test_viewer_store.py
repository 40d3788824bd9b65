"""The in-memory store, the clusters-file reader and the word index behind search and /check."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from viewer_data import DOCUMENTS, MATCH_ID, REWRITE, REWRITE_ID, SOURCE_ID

from retold.documents import Document
from retold.errors import InputError
from retold.viewer.store import MemoryStore, read_clusters
from retold.viewer.textindex import TextIndex, snippet, words


def test_read_clusters(clusters_file: Path) -> None:
    clusters = read_clusters(clusters_file)
    assert [c.number for c in clusters] == [0, 1]
    first = clusters[0]
    assert first.source == SOURCE_ID and first.size == 3 and first.date == "2024-05-20"
    assert first.title == "Tram depot to close"
    assert [m.verdict for m in first.members] == [None, "rewrite", "partial"]
    assert first.members[1].coverage == {"source": 0.8, "copy": 0.9}
    assert first.summary()["verdicts"] == {"rewrite": 1, "partial": 1}


def test_read_clusters_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"cluster": 0, "source": "a", "members": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2 is not a cluster line"):
        read_clusters(bad)
    bad.write_text('{"cluster": 0}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:1 is not a cluster line \('members'\)"):
        read_clusters(bad)
    with pytest.raises(InputError, match="is not a file"):
        read_clusters(tmp_path / "missing.jsonl")


def test_from_files_needs_every_clustered_document(clusters_file: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "small.jsonl"
    corpus.write_text('{"id": "other", "text": "Nothing to see."}\n', encoding="utf-8")
    with pytest.raises(InputError, match="5 clustered documents are not in the corpus"):
        MemoryStore.from_files(clusters_file, corpus)


def test_store_lookups(store: MemoryStore) -> None:
    assert store.document_count() == len(DOCUMENTS)
    assert store.document("../../etc/passwd") is None
    assert store.clusters_of(REWRITE_ID) == [0] and store.clusters_of("nope") == []
    member = store.member(SOURCE_ID, REWRITE_ID)
    assert member is not None and member.verdict == "rewrite"
    assert store.member(REWRITE_ID, SOURCE_ID) is None
    assert [c.number for c in store.clusters(sort="date")] == [1, 0]
    assert store.clusters(offset=1, limit=5)[0].number == 1
    with pytest.raises(ValueError, match="sort must be one of size, date"):
        store.clusters(sort="title")


def test_candidates_rank_the_source_of_a_rewrite(store: MemoryStore) -> None:
    found = store.candidates(REWRITE, limit=3)
    assert found[0] == REWRITE_ID and SOURCE_ID in found[:3]
    assert MATCH_ID not in found


def test_search_needs_every_word_and_ranks_titles_first() -> None:
    idx = TextIndex(
        [
            ("Ferry news", "The ferry runs late. Boats wait."),
            (None, "A ferry story about harbour boats and news."),
            ("Other", "Nothing about it."),
        ]
    )
    assert [h.position for h in idx.search("ferry news")] == [0, 1]
    assert idx.search("ferry zebra") == [] and idx.search("!!") == []


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(
        st.lists(st.sampled_from(["tram", "roof", "river", "depot", "fund", "yard"]), max_size=8),
        min_size=1,
        max_size=12,
    ),
    query=st.lists(st.sampled_from(["tram", "roof", "river", "bus"]), min_size=1, max_size=3),
)
def test_search_hits_hold_every_query_word(texts: list[list[str]], query: list[str]) -> None:
    docs = [" ".join(t) for t in texts]
    idx = TextIndex([(None, d) for d in docs])
    hits = {h.position for h in idx.search(" ".join(query))}
    expected = {k for k, d in enumerate(docs) if set(query) <= set(words(d))}
    assert hits == expected


def test_snippet_is_short_and_centred() -> None:
    text = " ".join(f"w{k}" for k in range(200)) + " target " + " ".join("x" * 3 for _ in range(50))
    out = snippet(text, "target", width=60)
    assert "target" in out and len(out) <= 62 and out.startswith("…")
    assert snippet("Short text.", "zzz") == "Short text."


def test_memory_store_keeps_the_first_of_duplicate_ids() -> None:
    store = MemoryStore([Document("a", "First."), Document("a", "Second.")])
    doc = store.document("a")
    assert doc is not None and doc.text == "First." and store.document_count() == 1


def test_parquet_clusters_read_like_jsonl(clusters_file: Path, tmp_path: Path) -> None:
    from viewer_data import cluster_lines

    from retold.engines.local import write_clusters

    parquet = tmp_path / "clusters.parquet"
    write_clusters(cluster_lines(), parquet, fmt="parquet")
    from_parquet = read_clusters(parquet)
    from_jsonl = read_clusters(clusters_file)
    assert [c.summary() for c in from_parquet] == [c.summary() for c in from_jsonl]
    copy = from_parquet[0].members[1]
    assert copy.coverage == {"source": 0.8, "copy": 0.9}
    assert copy.entry["direction"]["reason"] == "published earlier"
    not_parquet = tmp_path / "bad.parquet"
    not_parquet.write_text("plain text", encoding="utf-8")
    with pytest.raises(InputError, match="is not a readable Parquet file"):
        read_clusters(not_parquet)

"""The viewer over an index folder: read-only, same routes, sources found through the index."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient
from viewer_data import DOCUMENTS, REWRITE, REWRITE_ID, SOURCE_ID

from retold.errors import IndexStateError, InputError
from retold.index import IndexStore
from retold.viewer.app import create_app
from retold.viewer.indexstore import IndexBackedStore, open_index_store


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("index")
    with IndexStore.open(path, create=True) as ix:
        ix.add(DOCUMENTS)
    return path


def _fingerprint(folder: Path) -> dict[str, tuple[int, str]]:
    return {
        p.name: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in folder.iterdir()
        if not p.name.endswith(("-wal", "-shm"))  # SQLite's own side files for WAL readers
    }


@pytest.fixture
def served(index_dir: Path, clusters_file: Path) -> Iterator[tuple[TestClient, IndexBackedStore]]:
    store = open_index_store(index_dir, clusters_file)
    app = create_app(store, pair_fn=store.compare)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client, store
    store.close()


def test_index_routes_and_no_writes(
    index_dir: Path, served: tuple[TestClient, IndexBackedStore]
) -> None:
    before = _fingerprint(index_dir)
    client, _ = served
    listing = client.get("/.json").json()
    assert listing["documents_total"] == len(DOCUMENTS) and listing["clusters_total"] == 2
    hits = client.get("/search.json?q=tram+roof+buses").json()["hits"]
    assert {h["id"] for h in hits} == {SOURCE_ID, REWRITE_ID}
    doc = client.get("/doc.json?" + urlencode({"id": REWRITE_ID})).json()
    assert doc["text"] == REWRITE
    pair = client.get("/pair.json?" + urlencode({"a": SOURCE_ID, "b": REWRITE_ID})).json()
    assert pair["alignment"]["links"] and pair["dedup"]["verdict"] == "rewrite"
    page = client.get("/pair?" + urlencode({"a": SOURCE_ID, "b": REWRITE_ID}))
    assert page.status_code == 200 and "rt-link" in page.text
    sources = client.post("/check.json", data={"text": REWRITE}).json()["sources"]
    assert SOURCE_ID in [s["id"] for s in sources]
    assert client.get("/doc.json?id=../../index.sqlite").status_code == 404
    assert _fingerprint(index_dir) == before


def test_readonly_connection_refuses_writes(served: tuple[TestClient, IndexBackedStore]) -> None:
    import sqlite3

    _, store = served
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store._ix.conn.execute("DELETE FROM docs")


def test_not_an_index(tmp_path: Path) -> None:
    with pytest.raises(IndexStateError, match="is not a retold index"):
        open_index_store(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_clusters_must_be_in_the_index(tmp_path: Path, clusters_file: Path) -> None:
    with IndexStore.open(tmp_path / "small", create=True) as ix:
        ix.add(DOCUMENTS[:2])
    with pytest.raises(InputError, match="3 clustered documents are not in the index"):
        open_index_store(tmp_path / "small", clusters_file)

"""Every route of the viewer and its JSON twin, errors, escaping and the security headers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient
from viewer_data import (
    DOCUMENTS,
    EVIL_ID,
    LONE_ID,
    MATCH_COPY_ID,
    MATCH_ID,
    REWRITE,
    REWRITE_ID,
    SOURCE_ID,
)

from retold.viewer import app as viewer_app
from retold.viewer.app import API, Viewer, create_app
from retold.viewer.store import MemoryStore

TRAVERSALS = ["../../etc/passwd", "/etc/passwd", "..%2f..%2fetc%2fpasswd", "C:\\Windows\\win.ini"]


@pytest.fixture
def client(store: MemoryStore) -> Iterator[TestClient]:
    with TestClient(create_app(store), base_url="http://127.0.0.1") as c:
        yield c


def pair_url(a: str, b: str, twin: bool = False) -> str:
    return ("/pair.json?" if twin else "/pair?") + urlencode({"a": a, "b": b})


def test_cluster_list_and_twin(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Tram depot to close" in page.text and 'href="/cluster/0"' in page.text
    assert pair_url(SOURCE_ID, REWRITE_ID).replace("&", "&amp;") in page.text
    data = client.get("/.json").json()
    assert data["clusters_total"] == 2 and data["documents_total"] == len(DOCUMENTS)
    assert [c["cluster"] for c in data["clusters"]] == [0, 1]
    assert data["clusters"][0]["verdicts"] == {"rewrite": 1, "partial": 1}
    assert data["clusters"][0]["members"][0] == SOURCE_ID


def test_cluster_list_sorts_and_pages(client: TestClient) -> None:
    newest = client.get("/.json?sort=date").json()["clusters"]
    assert [c["cluster"] for c in newest] == [1, 0]
    second = client.get("/.json?per_page=1&page=2").json()
    assert second["pages"] == 2 and [c["cluster"] for c in second["clusters"]] == [1]
    assert client.get("/.json?sort=title").status_code == 400
    assert client.get("/.json?page=9").json() == {"error": "page must be in [1, 1]", "status": 400}
    assert client.get("/?per_page=abc").status_code == 400


def test_search_and_twin(client: TestClient) -> None:
    data = client.get("/search.json?q=Tram+ROOF+buses").json()
    ids = [h["id"] for h in data["hits"]]
    assert set(ids) == {SOURCE_ID, REWRITE_ID}
    assert data["hits"][0]["clusters"] == [0]
    page = client.get("/search?q=potatoes")
    assert page.status_code == 200 and "Early potatoes" in page.text
    assert client.get("/search.json?q=zzzunknown").json()["hits"] == []
    assert client.get("/search.json").json() == {"q": "", "hits": []}


def test_cluster_page_and_twin(client: TestClient) -> None:
    page = client.get("/cluster/0")
    assert page.status_code == 200
    assert pair_url(SOURCE_ID, REWRITE_ID).replace("&", "&amp;") in page.text
    data = client.get("/cluster/0.json").json()
    assert data["source"] == SOURCE_ID and data["size"] == 3
    assert [m["id"] for m in data["members"]] == [SOURCE_ID, REWRITE_ID, EVIL_ID]


@pytest.mark.parametrize("path", ["/cluster/7", "/cluster/7.json", "/cluster/-1", "/cluster/x"])
def test_unknown_cluster_is_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    if path.endswith(".json"):
        assert response.json() == {"error": "no cluster 7", "status": 404}


def test_pair_page_and_twin(client: TestClient) -> None:
    page = client.get(pair_url(SOURCE_ID, REWRITE_ID))
    assert page.status_code == 200
    assert 'class="rt-pair"' in page.text and "rt-link" in page.text
    # the changed name is marked in the sentence it was found in
    assert 'rt-mark-name" title="name-variant: Brezowa / Brezova">Brezowa</mark>' in page.text
    data = client.get(pair_url(SOURCE_ID, REWRITE_ID, twin=True)).json()
    assert data["verdict"] in {"rewrite", "partial", "near-duplicate"}
    assert data["a"]["id"] == SOURCE_ID and data["b"]["id"] == REWRITE_ID
    assert data["alignment"]["links"] and data["dedup"]["verdict"] == "rewrite"
    assert data["clusters"] == [0]
    kinds = {c["kind"] for c in data["changes"]}
    assert {"name-variant", "number-differs"} <= kinds


def test_pair_without_cluster_and_swapped(client: TestClient) -> None:
    data = client.get(pair_url(REWRITE_ID, SOURCE_ID, twin=True)).json()
    assert data["dedup"] is None and data["a"]["id"] == REWRITE_ID
    data = client.get(pair_url(MATCH_ID, LONE_ID, twin=True)).json()
    assert data["reuse"] is False and data["clusters"] == []


@pytest.mark.parametrize("bad", TRAVERSALS)
def test_pair_and_doc_reject_unknown_ids(client: TestClient, bad: str) -> None:
    for url in (
        pair_url(SOURCE_ID, bad),
        pair_url(bad, SOURCE_ID),
        "/doc?" + urlencode({"id": bad}),
    ):
        assert client.get(url).status_code == 404
    twin = client.get("/doc.json?" + urlencode({"id": bad}))
    assert twin.status_code == 404
    assert twin.json()["error"] == f"no document with id {bad!r}"


def test_missing_parameters_are_400(client: TestClient) -> None:
    assert client.get("/pair.json?a=" + SOURCE_ID).json() == {
        "error": "missing parameter 'b': pass a document id",
        "status": 400,
    }
    assert client.get("/doc").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/app.py",
        "/static/%2e%2e/store.py",
    ],
)
def test_static_files_do_not_traverse(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "root:" not in response.text and "import" not in response.text


def test_doc_page_and_twin(client: TestClient) -> None:
    page = client.get("/doc?" + urlencode({"id": REWRITE_ID}))
    assert page.status_code == 200 and "Depot shuts for roof work" in page.text
    assert pair_url(SOURCE_ID, REWRITE_ID).replace("&", "&amp;") in page.text
    data = client.get("/doc.json?" + urlencode({"id": REWRITE_ID})).json()
    assert data["text"] == REWRITE and [c["cluster"] for c in data["clusters"]] == [0]


def test_article_text_title_and_id_are_escaped(client: TestClient) -> None:
    for url in ("/doc?" + urlencode({"id": EVIL_ID}), pair_url(SOURCE_ID, EVIL_ID), "/cluster/0"):
        html = client.get(url).text
        assert "<script>alert" not in html
        assert "<img src=x onerror" not in html
        assert 'onerror=alert(1)>"' not in html
    doc_html = client.get("/doc?" + urlencode({"id": EVIL_ID})).text
    assert "&lt;script&gt;alert(&#34;planted&#34;)&lt;/script&gt;" in doc_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in doc_html
    search_html = client.get("/search?q=banner").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in search_html and "<img src=x" not in search_html


def test_security_headers_on_every_response(client: TestClient) -> None:
    for url in ("/", "/.json", "/cluster/99", "/static/viewer.js", "/report.css"):
        headers = client.get(url).headers
        assert headers["x-content-type-options"] == "nosniff"
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "http" not in csp and "unsafe-inline" not in csp


def test_foreign_host_header_is_refused(store: MemoryStore) -> None:
    with TestClient(create_app(store), base_url="http://rebound.example") as c:
        response = c.get("/")
        assert response.status_code == 400 and response.text == "Invalid host header"
    with TestClient(create_app(store), base_url="http://localhost:8123") as c:
        assert c.get("/").status_code == 200
    with TestClient(create_app(store, allowed_hosts=None), base_url="http://lan.example") as c:
        assert c.get("/").status_code == 200


def test_check_form_and_text(client: TestClient) -> None:
    form = client.get("/check")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    data = client.post("/check.json", data={"text": REWRITE}).json()
    ids = [s["id"] for s in data["sources"]]
    assert SOURCE_ID in ids and REWRITE_ID in ids
    assert LONE_ID not in ids and MATCH_ID not in ids
    page = client.post("/check", data={"text": REWRITE})
    assert page.status_code == 200 and "rt-pair" in page.text


def test_check_html_upload(client: TestClient) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in REWRITE.split("\n\n"))
    html = (
        "<html><head><title>Saved page</title></head>"
        f"<body><article>{paragraphs}</article></body></html>"
    )
    files = {"file": ("saved page.html", html.encode(), "text/html")}
    data = client.post("/check.json", files=files).json()
    assert SOURCE_ID in [s["id"] for s in data["sources"]]


def test_check_refuses_empty_and_large(store: MemoryStore) -> None:
    with TestClient(create_app(store, max_upload=2000), base_url="http://127.0.0.1") as c:
        empty = c.post("/check.json", data={"text": "  "})
        assert empty.status_code == 400
        assert empty.json()["error"].startswith("nothing to check")
        big = c.post("/check.json", data={"text": "word " * 2000})
        assert big.status_code == 413
        files = {"file": ("a.txt", b"word " * 1000, "text/plain")}
        assert c.post("/check.json", files=files).status_code == 413
        assert c.get("/check.json").status_code == 405


def test_api_lists_a_registered_twin_for_every_page(client: TestClient) -> None:
    data = client.get("/api.json").json()
    assert [r["json"] for r in data["routes"]] == [j for _, j, _ in API]
    paths = {getattr(r, "path", None) for r in client.app.routes}  # type: ignore[attr-defined]
    for _, twin, _ in API:
        assert twin.replace("/N", "/{number:int}") in paths
    assert "/pair.json" in client.get("/api").text


def test_pair_comparisons_computed_at_once_are_bounded(
    store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retold.pair.compare import compare

    docs = [store.document(i) for i in (SOURCE_ID, REWRITE_ID, MATCH_ID, MATCH_COPY_ID)]
    a, b, c, d = (x for x in docs if x is not None)
    result = compare(a, b)
    lock, running, peak, calls = threading.Lock(), [0], [0], []

    def slow(x, y):  # type: ignore[no-untyped-def]
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            calls.append((x.id, y.id))
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return result

    monkeypatch.setattr(viewer_app, "COMPARE_SLOTS", 2)
    viewer = Viewer(store, slow)
    asked = [(a, b), (b, a), (c, d), (d, c)] * 3  # twelve requests at once, each pair three times
    threads = [threading.Thread(target=viewer.compare, args=pair) for pair in asked]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2  # two computed side by side, never more
    assert len(set(calls)) == 4 and len(calls) < len(asked)  # waiting requests found the cache


def test_comparisons_are_cached_and_bounded(store: MemoryStore) -> None:
    calls = []

    def fake(a, b):  # type: ignore[no-untyped-def]
        from retold.pair.compare import compare

        calls.append((a.id, b.id))
        return compare(a, b)

    viewer = Viewer(store, fake, cache_size=2)
    docs = [store.document(i) for i in (SOURCE_ID, REWRITE_ID, MATCH_ID, MATCH_COPY_ID)]
    a, b, c, d = (x for x in docs if x is not None)
    viewer.compare(a, b)
    viewer.compare(a, b)
    assert calls == [(SOURCE_ID, REWRITE_ID)]
    viewer.compare(c, d)
    viewer.compare(b, a)
    viewer.compare(a, b)  # evicted by the two before it
    assert len(calls) == 4 and len(viewer._cache) == 2
    with pytest.raises(ValueError, match="cache_size must be >= 1"):
        Viewer(store, fake, cache_size=0)


def test_a_copy_via_another_member_links_to_the_pair_behind_its_verdict() -> None:
    from viewer_data import _member

    by_id = {d.id: d for d in DOCUMENTS}
    via = _member(by_id[LONE_ID], "copy", "partial")
    via["via"] = MATCH_COPY_ID
    line = {
        "cluster": 0,
        "source": MATCH_ID,
        "size": 3,
        "members": [
            _member(by_id[MATCH_ID], "source"),
            _member(by_id[MATCH_COPY_ID], "copy", "identical"),
            via,
        ],
    }
    from retold.viewer.store import _cluster

    store = MemoryStore(DOCUMENTS, [_cluster(line, 0)])
    with TestClient(create_app(store), base_url="http://127.0.0.1") as client:
        justified = pair_url(MATCH_COPY_ID, LONE_ID).replace("&", "&amp;")
        against_source = pair_url(MATCH_ID, LONE_ID).replace("&", "&amp;")
        for path in ("/cluster/0", "/", "/doc?" + urlencode({"id": LONE_ID})):
            text = client.get(path).text
            assert justified in text and against_source not in text, path
        assert client.get("/.json").json()["clusters"][0]["pairs"] == [
            [MATCH_ID, MATCH_COPY_ID],
            [MATCH_COPY_ID, LONE_ID],
        ]
        data = client.get(pair_url(MATCH_COPY_ID, LONE_ID, twin=True)).json()
        assert data["dedup"]["verdict"] == "partial" and data["clusters"] == [0]
        assert client.get(pair_url(MATCH_ID, LONE_ID, twin=True)).json()["dedup"] is None


def _secure(headers: object) -> bool:
    h = dict(headers)  # type: ignore[call-overload]
    return (
        "default-src 'none'" in h.get("content-security-policy", "")
        and h.get("x-content-type-options") == "nosniff"
        and h.get("x-frame-options") == "DENY"
        and h.get("referrer-policy") == "no-referrer"
    )


def test_check_with_too_many_sentences_is_413_not_500(client: TestClient) -> None:
    text = "Ab cd ef. " * 5100  # 51 kB, far under the upload limit
    response = client.post("/check.json", data={"text": text})
    assert response.status_code == 413
    assert "5,100 sentences, over the limit of 5,000" in response.json()["error"]
    assert _secure(response.headers)


def test_check_field_just_over_the_limit_is_413(store: MemoryStore) -> None:
    with TestClient(create_app(store, max_upload=2000), base_url="http://127.0.0.1") as c:
        response = c.post("/check.json", data={"text": "w" * 2100})  # under the slack for headers
        assert response.status_code == 413
        assert response.json()["error"] == "the article is too large: at most 2000 bytes"


def test_internal_errors_are_500_pages_with_the_security_headers(store: MemoryStore) -> None:
    class Broken(MemoryStore):
        def search(self, query: str, limit: int = 50):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    broken = Broken(DOCUMENTS, [])
    with TestClient(create_app(broken), base_url="http://127.0.0.1") as c:
        page = c.get("/search?q=tram")
        assert page.status_code == 500 and _secure(page.headers)
        assert "boom" not in page.text
        twin = c.get("/search.json?q=tram")
        assert twin.status_code == 500 and _secure(twin.headers)
        assert twin.json() == {"error": "internal error", "status": 500}


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://attacker.example"},
        {"origin": "null"},
        {"origin": "http://127.0.0.1:9999"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site", "origin": "http://127.0.0.1"},
    ],
)
def test_cross_origin_posts_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/check", data={"text": REWRITE}, headers=headers)
    assert response.status_code == 403 and _secure(response.headers)
    assert response.text.startswith("Cross-origin request refused")


def test_same_origin_and_scripted_posts_are_served(client: TestClient) -> None:
    same = {"origin": "http://127.0.0.1", "sec-fetch-site": "same-origin"}
    assert client.post("/check.json", data={"text": REWRITE}, headers=same).status_code == 200
    # a browser posting our own form sends Origin: null (our pages send no referrer)
    own_form = {"origin": "null", "sec-fetch-site": "same-origin"}
    assert client.post("/check", data={"text": REWRITE}, headers=own_form).status_code == 200
    assert client.post("/check.json", data={"text": REWRITE}).status_code == 200  # no headers


def test_checks_beyond_the_free_slots_are_503(store: MemoryStore) -> None:
    app = create_app(store)
    viewer = app.state.viewer
    with TestClient(app, base_url="http://127.0.0.1") as c:
        taken = 0
        while viewer._check_slots.acquire(blocking=False):
            taken += 1
        try:
            busy = c.post("/check.json", data={"text": REWRITE})
        finally:
            for _ in range(taken):
                viewer._check_slots.release()
        assert taken >= 1 and busy.status_code == 503
        assert busy.json()["error"].startswith("the viewer is busy")
        assert c.post("/check.json", data={"text": REWRITE}).status_code == 200


def test_a_long_check_is_compared_with_fewer_candidates(
    store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retold.viewer.app as viewer_app

    calls: list[str] = []

    def pair_fn(a, b):  # type: ignore[no-untyped-def]
        calls.append(a.id)
        return Viewer(store).compare(a, b)

    monkeypatch.setattr(viewer_app, "CHECK_CHAR_BUDGET", 2 * len(REWRITE))
    viewer = Viewer(store, pair_fn)
    from retold.readers import read_text

    viewer.check(read_text(REWRITE, id="checked"))
    assert 1 <= len(calls) <= 2

"""Binding rules, a real loopback server, and the ``retold serve`` command's errors."""

from __future__ import annotations

import http.client
import json
import os
import socket
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from viewer_data import DOCUMENTS

from retold.cli import cli, main
from retold.errors import ConfigError
from retold.viewer.app import create_app
from retold.viewer.server import bind, check_host, is_loopback, serve, url_of
from retold.viewer.store import MemoryStore

REFUSAL = (
    "refusing to serve on 0.0.0.0, which is reachable from other machines: pass --host 0.0.0.0 "
    "explicitly to allow it (anyone who can reach it can read every document), or leave --host "
    "out to stay on 127.0.0.1"
)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)
    check_host(host, explicit=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1"])
def test_other_hosts_need_an_explicit_host(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(ConfigError, match=f"refusing to serve on {host}"):
        check_host(host, explicit=False)
    check_host(host, explicit=True)


def test_port_zero_picks_a_free_port() -> None:
    sock = bind("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        assert port > 0 and url_of(sock) == f"http://127.0.0.1:{port}/"
        with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
            bind("127.0.0.1", port)
    finally:
        sock.close()


def test_real_server_refuses_raw_traversal(tmp_path: Path) -> None:
    running = serve(create_app(MemoryStore(DOCUMENTS)), bind("127.0.0.1", 0), background=True)
    assert running is not None
    try:
        port = int(running.url.rsplit(":", 1)[1].strip("/"))
        for _ in range(100):
            try:
                with urllib.request.urlopen(running.url + ".json", timeout=2) as r:
                    assert json.load(r)["documents_total"] == len(DOCUMENTS)
                break
            except OSError:
                pass
        # http.client sends the path as written: no client-side normalisation of the dots
        for path in ("/static/../../../../etc/passwd", "/static/..%2f..%2f..%2fetc/passwd"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            conn.close()
            assert response.status == 404 and b"root:" not in body
    finally:
        running.stop()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_serve_refuses_non_loopback_from_defaults_or_env(
    corpus_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["serve", "--corpus", str(corpus_file)]
    with pytest.raises(ConfigError) as by_map:
        cli.main(argv, standalone_mode=False, default_map={"serve": {"host": "0.0.0.0"}})
    assert str(by_map.value) == REFUSAL and by_map.value.exit_code == 2
    monkeypatch.setenv("RETOLD_SERVE_HOST", "0.0.0.0")
    with pytest.raises(ConfigError) as by_env:
        cli.main(argv, standalone_mode=False, auto_envvar_prefix="RETOLD")
    assert str(by_env.value) == REFUSAL


def test_serve_needs_something_to_serve(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["serve"], capsys)
    assert code == 2
    assert err.strip() == (
        "Error: nothing to serve: pass the clusters file of `retold dedup` with --corpus, "
        "or --index DIR"
    )


def test_serve_clusters_without_texts(
    clusters_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["serve", str(clusters_file)], capsys)
    assert code == 2
    assert err.strip() == (
        "Error: the clusters file has no texts: pass the corpus it was made from with --corpus "
        "(or an index with --index)"
    )


def test_serve_port_in_use(corpus_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        code, _, err = _run(["serve", "--corpus", str(corpus_file), "-p", str(port)], capsys)
    finally:
        taken.close()
    assert code == 2
    assert err.strip().startswith(f"Error: cannot listen on 127.0.0.1:{port}")


def test_serve_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["serve", "-h"])
    assert result.exit_code == 0 and "Example:" in result.output and "-p, --port" in result.output


def test_store_from_files_reads_without_writing(clusters_file: Path, corpus_file: Path) -> None:
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (clusters_file, corpus_file)}
    listing = sorted(os.listdir(clusters_file.parent))
    store = MemoryStore.from_files(clusters_file, corpus_file)
    from starlette.testclient import TestClient

    with TestClient(create_app(store), base_url="http://127.0.0.1") as c:
        assert c.get("/.json").json()["clusters_total"] == 2
        assert c.get("/search.json?q=depot").json()["hits"]
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (clusters_file, corpus_file)}
    assert before == after and sorted(os.listdir(clusters_file.parent)) == listing


def test_serve_index_errors(
    tmp_path: Path, corpus_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["serve", "--index", str(tmp_path), "--corpus", str(corpus_file)], capsys)
    assert code == 2
    assert (
        err.strip() == "Error: --corpus and --index exclude each other: the index holds the texts"
    )
    code, _, err = _run(["serve", "--index", str(tmp_path)], capsys)
    assert code == 4
    assert err.strip() == (
        f"Error: {tmp_path} is not a retold index: create it with "
        f"`retold index add CORPUS --index {tmp_path}`"
    )


def test_banner_of_a_wildcard_bind_says_so_and_warns() -> None:
    from retold.viewer.server import banner

    sock = bind("0.0.0.0", 0)
    try:
        port = sock.getsockname()[1]
        lines = banner(sock, "3 documents")
    finally:
        sock.close()
    assert lines[0].startswith(f"Serving 3 documents on every interface (0.0.0.0), port {port}")
    assert len(lines) == 2 and lines[1].startswith("warning: any machine that can reach this one")
    local = bind("127.0.0.1", 0)
    try:
        assert banner(local, "x") == [f"Serving x on {url_of(local)}  (Ctrl+C to stop)"]
    finally:
        local.close()


def test_serve_on_all_interfaces_prints_the_real_address_and_a_warning(
    corpus_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import retold.viewer.server as server

    served: list[object] = []
    monkeypatch.setattr(server, "serve", lambda app, sock, **kw: served.append(sock))
    try:
        main(["serve", "--corpus", str(corpus_file), "--host", "0.0.0.0", "-p", "0"])
    except SystemExit as exc:
        assert not exc.code
    out, err = capsys.readouterr()
    assert "on every interface (0.0.0.0)" in out and "http://127.0.0.1:" in out
    assert err.startswith("warning: any machine that can reach this one on port")
    for sock in served:
        sock.close()  # type: ignore[attr-defined]

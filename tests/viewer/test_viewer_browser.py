"""The viewer in a real headless Chromium: cluster list → cluster → aligned pair, and escaping.

Needs the Debian ``chromium`` package and the ``playwright`` Python package (never
``playwright install``: the system browser is used). Skipped cleanly where either is missing.
Set ``RETOLD_SCREENSHOTS=DIR`` to keep the screenshots.
"""

from __future__ import annotations

import os
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from viewer_data import DOCUMENTS, EVIL_ID, SOURCE_ID

from retold.viewer.app import create_app
from retold.viewer.server import bind, serve
from retold.viewer.store import MemoryStore, read_clusters

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    pytest.skip(
        "needs Chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="needs pip install playwright")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import json

    from viewer_data import cluster_lines

    path = tmp_path_factory.mktemp("viewer") / "clusters.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cluster_lines()), encoding="utf-8")
    app = create_app(MemoryStore(DOCUMENTS, read_clusters(path)))
    running = serve(app, bind("127.0.0.1", 0), background=True)
    assert running is not None
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(running.url + "api.json", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    yield running.url.rstrip("/")
    running.stop()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def _keep(shot: Path) -> None:
    keep = os.environ.get("RETOLD_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)


def test_cluster_to_aligned_pair(page: Any, base_url: str, tmp_path: Path) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(base_url + "/")
    page.click("a.cluster-link >> nth=0")
    page.wait_for_url("**/cluster/0")
    page.click("a.pair-link >> nth=0")
    page.wait_for_selector("table.rt-pair tr.rt-link")

    links = page.locator("table.rt-pair tr.rt-link")
    assert links.count() >= 3
    first = links.nth(0)
    a_box = first.locator("td.rt-a").bounding_box()
    b_box = first.locator("td.rt-b").bounding_box()
    assert a_box is not None and b_box is not None
    # linked sentences sit on the same row, side by side
    assert abs(a_box["y"] - b_box["y"]) < 1 and a_box["x"] < b_box["x"]
    assert first.locator("td.rt-a").inner_text().strip()
    assert first.locator("td.rt-b").inner_text().strip()
    assert page.locator("mark.rt-mark-name").count() >= 1

    page.keyboard.press("j")
    page.keyboard.press("j")
    assert "rt-cur" in (links.nth(1).get_attribute("class") or "")
    page.keyboard.press("k")
    assert "rt-cur" in (links.nth(0).get_attribute("class") or "")

    shot = tmp_path / "pair.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    _keep(shot)
    assert problems == []


def test_planted_markup_shows_as_text(page: Any, base_url: str, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(base_url + "/pair?" + urlencode({"a": SOURCE_ID, "b": EVIL_ID}))
    page.wait_for_selector("table.rt-pair")
    body = page.locator("main").inner_text()
    assert '<script>alert("planted")</script>' in body
    assert "<img src=x onerror=alert(1)>" in body
    assert page.locator("main img").count() == 0

    page.goto(base_url + "/doc?" + urlencode({"id": EVIL_ID}))
    assert '<script>alert("title")</script> depot' in page.locator("h1").inner_text()
    assert page.locator("main img").count() == 0
    page.wait_for_timeout(300)

    shot = tmp_path / "planted.png"
    page.screenshot(path=str(shot), full_page=True)
    _keep(shot)
    assert dialogs == []


def test_check_a_pasted_article(page: Any, base_url: str) -> None:
    from viewer_data import REWRITE

    page.goto(base_url + "/check")
    page.fill("textarea[name=text]", REWRITE)
    page.click("form.check button[type=submit]")
    page.wait_for_selector("details.source")
    opened = page.locator("details.source[open]")
    assert opened.count() == 1
    assert opened.locator("table.rt-pair tr.rt-link").count() >= 3
    assert SOURCE_ID in page.locator("main").inner_text()

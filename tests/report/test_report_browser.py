"""The HTML report in a real headless Chromium: the script runs under the CSP, j/k move."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from retold.documents import Comparison
from retold.report.html import render_html

pytestmark = pytest.mark.browser

# headless, and no background connections: the page is a local file and needs no network
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_keyboard_navigation_under_csp(comparison: Comparison, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("headless Chromium not installed")
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(comparison), encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            messages: list[tuple[str, str]] = []
            page.on("console", lambda m: messages.append((m.type, m.text)))
            dialogs: list[str] = []

            def on_dialog(dialog: Any) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            page.goto(page_file.as_uri())
            for _ in range(3):
                page.keyboard.press("j")
            page.keyboard.press("k")
            current = page.eval_on_selector_all("tr.rt-cur", "rows => rows.map(r => r.id)")
            shown = page.inner_text("table.rt-pair")
        finally:
            browser.close()
    # rows: A0 heading, link-0, link-1 (1:2), ...; j j j k lands on the second row
    assert current == ["link-0"]
    # a script blocked by the CSP would log an error here
    assert [text for kind, text in messages if kind == "error"] == []
    assert dialogs == []
    assert "<script>alert(1)</script>" in shown

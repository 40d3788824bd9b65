"""The viewer's pair page shows each side's language and marks a translated pair."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from starlette.testclient import TestClient

from retold.documents import Document
from retold.viewer.app import create_app
from retold.viewer.store import MemoryStore

TRANSLATED = Path(__file__).parent.parent / "fixtures" / "translated"


def test_pair_page_of_a_translation_shows_both_languages() -> None:
    docs = [
        Document("ru.txt", (TRANSLATED / "flood_ru.txt").read_text(encoding="utf-8")),
        Document("en.txt", (TRANSLATED / "flood_en.txt").read_text(encoding="utf-8")),
    ]
    with TestClient(create_app(MemoryStore(docs, [])), base_url="http://127.0.0.1") as client:
        page = client.get("/pair?" + urlencode({"a": "ru.txt", "b": "en.txt"}))
        assert page.status_code == 200
        assert "<dt>languages</dt><dd>A ru · B en" in page.text
        assert "(translated ru → en)" in page.text
        data = client.get("/pair.json?" + urlencode({"a": "ru.txt", "b": "en.txt"})).json()
        assert (data["a"]["language"], data["b"]["language"]) == ("ru", "en")

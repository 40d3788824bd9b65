"""Each side's language in the terminal, HTML and JSON reports of a translated pair."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from rich.console import Console

from retold.documents import Comparison
from retold.pair.compare import Comparer
from retold.report.html import render_html
from retold.report.json import to_json
from retold.report.terminal import render_terminal

EN = "The storm hit the coast on Monday. Two people died. Roads were closed."


@pytest.fixture(scope="module")
def english_pair() -> Comparison:
    return Comparer("fast").compare(EN, EN.replace("Roads were closed.", "Roads closed."))


def _terminal(c: Comparison) -> str:
    buffer = io.StringIO()
    render_terminal(c, Console(file=buffer, color_system=None, width=120))
    return buffer.getvalue()


def test_translated_verdict_line_names_both_languages(english_pair: Comparison) -> None:
    c = replace(english_pair, language_a="ru", language_b="en")
    first = next(line for line in _terminal(c).splitlines() if str(c.verdict) in line)
    assert f"{c.verdict} (translated ru → en)" in first
    assert "translated" not in _terminal(english_pair)


def test_html_and_json_show_each_language(english_pair: Comparison) -> None:
    c = replace(english_pair, language_a="ru", language_b="en")
    page = render_html(c)
    assert "A ru · B en (translated)" in page
    assert "translated ru → en" in page
    data = json.loads(to_json(c))
    assert (data["a"]["language"], data["b"]["language"]) == ("ru", "en")
    assert json.loads(to_json(english_pair))["a"]["language"] == "en"

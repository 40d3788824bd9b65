"""``retold compare`` of a translated pair: languages on the verdict line, --crosslingual."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.cli import main

TRANSLATED = Path(__file__).parent.parent / "fixtures" / "translated"
RU, EN = str(TRANSLATED / "flood_ru.txt"), str(TRANSLATED / "flood_en.txt")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_verdict_line_says_translated(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["compare", RU, EN], capsys)
    assert code == 0
    verdict_line = next(line for line in out.splitlines() if "translated" in line)
    assert "(translated ru → en)" in verdict_line
    assert "Морозов → Morozov" in out


def test_crosslingual_never_keeps_the_fast_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["compare", RU, EN, "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["model"] == "usem3"
    code, out, _ = run(["compare", RU, EN, "--format", "json", "--crosslingual", "never"], capsys)
    data = json.loads(out)
    assert code == 0 and data["model"] == "fast"
    assert (data["a"]["language"], data["b"]["language"]) == ("ru", "en")


def test_unknown_crosslingual_mode_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["compare", RU, EN, "--crosslingual", "sometimes"], capsys)
    assert code == 2 and "'sometimes' is not one of" in err

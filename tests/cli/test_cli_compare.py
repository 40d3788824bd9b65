"""``retold compare`` end to end: formats, bad input, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from retold.cli import main

SOURCE = (
    "The harbour board in Lorvik approved a new ferry pier on Tuesday. The pier will cost "
    "4.2 million crowns and open in 2027, the board said.\n\nMayor Ingrid Solbakk called it "
    '"a lifeline for the islands". Work starts in May.'
)
REWRITE = (
    "On Tuesday, Lorvik's harbour board gave the go-ahead for a new ferry pier. According to "
    "the board, it will open in 2027 at a cost of 4.2 million crowns.\n\nMayor Ingrid Solbak "
    'described it as "a lifeline for the islands". Construction begins in May.'
)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(SOURCE, encoding="utf-8")
    b.write_text(REWRITE, encoding="utf-8")
    return a, b


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output(pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["compare", str(pair[0]), str(pair[1])], capsys)
    assert code == 0
    assert "rewrite" in out
    assert "Solbakk → Solbak" in out


def test_json_output(pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["compare", str(pair[0]), str(pair[1]), "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["verdict"] == "rewrite"
    assert len(data["alignment"]["links"]) == 4
    agrees = {c["a"] for c in data["changes"] if c["kind"] == "number-agrees"}
    assert {"4.2 million", "2027"} <= agrees


def test_html_report_escapes_article_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    evil = SOURCE + "\n\nShe wrote <script>alert(1)</script> and <img src=x onerror=alert(2)>."
    a.write_text(evil, encoding="utf-8")
    b.write_text(REWRITE, encoding="utf-8")
    report = tmp_path / "report.html"
    code, _, _ = run(["compare", str(a), str(b), "--format", "html", "-o", str(report)], capsys)
    html = report.read_text(encoding="utf-8")
    assert code == 0
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["compare", "--demo", "--no-alignment"], capsys)
    assert code == 0 and "rewrite" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Error: no such file: {path}"),
        (b"   \n\t\n", "Error: {path} is empty"),
        (b"\x00\x01\x02binary\x00" * 50, "Error: {path} looks binary"),
    ],
)
def test_bad_input_gives_one_line_error(
    tmp_path: Path,
    pair: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    content: bytes | None,
    message: str,
) -> None:
    bad = tmp_path / "bad.txt"
    if content is not None:
        bad.write_bytes(content)
    code, _, err = run(["compare", str(bad), str(pair[1])], capsys)
    assert code == 2
    assert err.startswith(message.format(path=bad))
    assert err.count("\n") == 1 and "Traceback" not in err


def test_directory_is_refused(tmp_path: Path, pair: tuple[Path, Path], capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(["compare", str(tmp_path), str(pair[1])], capsys)
    assert code == 2
    assert err.startswith(f"Error: {tmp_path} is a directory")


def test_latin1_file_is_decoded(tmp_path: Path, pair: tuple[Path, Path], capsys) -> None:  # type: ignore[no-untyped-def]
    latin = tmp_path / "latin.txt"
    latin.write_bytes(SOURCE.replace("Lorvik", "Lørvik").encode("latin-1"))
    code, out, _ = run(["compare", str(latin), str(pair[1]), "--format", "json"], capsys)
    assert code == 0
    assert "Lørvik" in json.loads(out)["a"]["text"]


def test_huge_article_is_refused_over_the_limit(
    tmp_path: Path, pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.txt"
    big.write_text("The pier opened. " * 400_000, encoding="utf-8")  # ~6.8 MB
    code, _, err = run(["compare", str(big), str(pair[1]), "--max-bytes", "5000000"], capsys)
    assert code == 2
    assert "over the limit" in err and "--max-bytes" in err


def test_unknown_model_is_a_usage_error(pair: tuple[Path, Path], capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(["compare", str(pair[0]), str(pair[1]), "--model", "huge"], capsys)
    assert code == 2
    assert "Invalid value for '--model'" in err


def test_console_script_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "retold", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("retold, version ")


def test_five_megabyte_article_gets_a_clear_error(
    tmp_path: Path, pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.txt"
    big.write_text("The pier opened on time. " * 210_000, encoding="utf-8")  # ~5.2 MB
    code, _, err = run(["compare", str(big), str(pair[1])], capsys)
    assert code == 2
    assert err.startswith(f"Error: {big} has ")
    assert "characters, over the limit of 1,000,000 for one comparison" in err


def test_text_report_to_a_file_and_unwritable_target(
    tmp_path: Path, pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.txt"
    code, _, _ = run(["compare", str(pair[0]), str(pair[1]), "-o", str(out)], capsys)
    assert code == 0 and "Solbakk → Solbak" in out.read_text(encoding="utf-8")
    missing = tmp_path / "no-such-folder" / "report.txt"
    code, _, err = run(["compare", str(pair[0]), str(pair[1]), "-o", str(missing)], capsys)
    assert code == 2
    assert err.startswith(f"Error: cannot write {missing}: No such file or directory")

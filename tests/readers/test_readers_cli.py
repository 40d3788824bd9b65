"""Reader errors as the command line shows them: one ``Error:`` line, exit code 2."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from retold.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as e:
        main(argv)
    code = e.value.code
    assert isinstance(code, int)
    return code, capsys.readouterr().err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "b.txt"
    other.write_text("Some article text.", encoding="utf-8")
    code, err = run(["compare", str(tmp_path / "a.txt"), str(other)], capsys)
    assert code == 2
    assert err == f"Error: no such file: {tmp_path / 'a.txt'}\n"


def test_binary_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blob = tmp_path / "blob.txt"
    blob.write_bytes(b"x\x00y" * 10)
    code, err = run(["compare", str(blob), str(blob)], capsys)
    assert (code, err) == (
        2,
        f"Error: {blob} looks binary (NUL bytes in the first 8 KB);"
        " pass a text, HTML or Markdown file\n",
    )
    code, err = run(["compare", str(tmp_path), str(blob)], capsys)
    assert (code, err) == (
        2,
        f"Error: {tmp_path} is a directory: pass a file, or use `retold dedup` for folders\n",
    )


def test_empty_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class EmptyStdin:
        buffer = io.BytesIO(b"  \n")

    monkeypatch.setattr("sys.stdin", EmptyStdin())
    other = tmp_path / "b.txt"
    other.write_text("Some article text.", encoding="utf-8")
    code, err = run(["compare", "-", str(other)], capsys)
    assert (code, err) == (2, "Error: stdin is empty\n")

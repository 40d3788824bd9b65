"""``retold eval`` from the command line: exit codes, error text and output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = 0
    try:
        main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_malformed_pairs_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"a": "x", "b": "y", "reuse": true}\n{"a": "x", "b": 5, "reuse": true}\n')
    code, out, err = _run(["eval", str(path)], capsys)
    assert code == 2
    assert out == ""
    assert err == (
        "Error: bad.jsonl line 2: 'b' must be a string (the text of side b), got a int\n"
    )


def test_missing_pairs_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["eval", str(tmp_path / "none.jsonl")], capsys)
    assert code == 2
    assert err.startswith("Error: pairs file ") and "not found" in err


def test_genre_needs_stsb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["eval", str(tmp_path / "x.jsonl"), "--genre", "main-news"], capsys)
    assert code == 2
    assert err == "Error: --genre applies to STS benchmark files only (use --from stsb)\n"


def test_convert_to_pairs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sts = tmp_path / "sts.csv"
    sts.write_text(
        "main-news\th\t2015\t1\t4.0\tRain floods the town\tTown flooded by rain\n"
        "main-forums\tf\t2015\t2\t1.0\tI like tea\tHe sells cars\n"
    )
    out_path = tmp_path / "sts.jsonl"
    code, _, err = _run(
        ["eval", str(sts), "--from", "stsb", "--genre", "main-news", "--to-pairs", str(out_path)],
        capsys,
    )
    assert code == 0
    assert err == f"wrote 1 pairs to {out_path}\n"
    rows = [json.loads(line) for line in out_path.read_text().splitlines()]
    assert rows[0]["score"] == 4.0 and rows[0]["meta"]["genre"] == "main-news"


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["eval", "--help"], capsys)
    assert code == 0
    assert "Example:" in out and "--from msrp" in out


def test_eval_json_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "The council approved the new budget on Monday. Taxes will not rise this year."
    path = tmp_path / "p.jsonl"
    path.write_text(
        json.dumps({"id": "same", "a": text, "b": text, "label": "identical"})
        + "\n"
        + json.dumps(
            {"id": "diff", "a": text, "b": "Penguins live mostly in the south.", "reuse": False}
        )
        + "\n"
    )
    code, out, _ = _run(["eval", str(path), "--format", "json", "-q", "--threshold-report"], capsys)
    assert code == 0
    report = json.loads(out)
    assert report["pairs"] == 2
    assert report["reuse"]["f1"] == 1.0
    assert report["confusion"]["matrix"][0][0] == 1
    assert "grid" in report["thresholds"]


def test_eval_says_why_pairs_could_not_be_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "The council approved the new budget on Monday. Taxes will not rise this year."
    rows = [
        {"id": "same", "a": text, "b": text, "label": "identical"},
        {"id": "blank1", "a": text, "b": "", "reuse": False},
        {"id": "blank2", "a": text, "b": "", "reuse": False},
    ]
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, out, _ = _run(["eval", str(path), "-q"], capsys)
    assert code == 0
    assert "  2 pairs could not be compared (counted as unrelated):\n" in out
    assert "    2 side b has no sentences: there is no text to compare (e.g. pair blank1)" in out
    code, out, _ = _run(["eval", str(path), "-q", "--format", "json"], capsys)
    assert json.loads(out)["errors_by_reason"] == [
        {
            "reason": "side b has no sentences: there is no text to compare",
            "pairs": 2,
            "example": "blank1",
        }
    ]

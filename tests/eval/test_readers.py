"""Each reader on small sample files written here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retold.documents import Verdict
from retold.errors import ConfigError, InputError
from retold.eval.convert import guess_format, read_any
from retold.eval.csvpairs import read_csv_pairs
from retold.eval.msrp import read_msrp
from retold.eval.pan import read_pan
from retold.eval.stsb import read_stsb

MSRP = (
    "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n"
    '1\t11\t12\tThe ferry left the harbour at dawn, the "captain" said.\t'
    "At dawn the ferry left the harbour, said its captain.\r\n"
    "0\t13\t14\tCorn prices fell 3% on Tuesday.\tThe mayor opened a new library.\r\n"
)

STSB = (
    "main-news\theadlines\t2015\t0001\t4.200\tFloods close the coastal road\t"
    "Coastal road shut by floods\r\n"
    "main-captions\tMSRvid\t2012test\t0002\t0.500\tA cat sleeps.\tA man runs.\r\n"
    "main-news\theadlines\t2016\t0003\t3\tBank raises rates\tRates go up at bank\t"
    "Newswire A\tNewswire B\r\n"
)


def test_msrp(tmp_path: Path) -> None:
    path = tmp_path / "msrp.txt"
    path.write_text(MSRP, encoding="utf-8", newline="")
    pairs = list(read_msrp(path))
    assert [p.id for p in pairs] == ["11-12", "13-14"]
    assert [p.reuse for p in pairs] == [True, False]
    assert pairs[0].a == 'The ferry left the harbour at dawn, the "captain" said.'
    assert pairs[0].a_sentences == (pairs[0].a,)


def test_msrp_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "msrp.txt"
    path.write_text("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n2\t1\t2\tx\ty\n")
    with pytest.raises(
        InputError, match=re.escape("msrp.txt line 2: expected 5 tab-separated fields")
    ):
        list(read_msrp(path))


def test_stsb_all_rows_and_genre(tmp_path: Path) -> None:
    path = tmp_path / "sts-dev.csv"
    path.write_text(STSB, encoding="utf-8", newline="")
    pairs = list(read_stsb(path))
    assert [p.score for p in pairs] == [4.2, 0.5, 3.0]
    assert pairs[2].meta["extra"] == ["Newswire A", "Newswire B"]
    assert pairs[2].b == "Rates go up at bank"
    news = list(read_stsb(path, genre="main-news"))
    assert [p.meta["genre"] for p in news] == ["main-news", "main-news"]


def test_stsb_bad_score(tmp_path: Path) -> None:
    path = tmp_path / "sts.csv"
    path.write_text("main-news\th\t2015\t1\thigh\tA\tB\n")
    with pytest.raises(InputError, match=re.escape("sts.csv line 1: score 'high' is not a number")):
        list(read_stsb(path))


def test_csv_pairs(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text(
        "id,text_a,text_b,label,score\n"
        'x1,"Storm hits, town floods",Town floods after storm,rewrite,4\n'
        "x2,Budget passes,Team wins cup,0,\n"
    )
    pairs = list(read_csv_pairs(path))
    assert [p.id for p in pairs] == ["x1", "x2"]
    assert pairs[0].label == Verdict.REWRITE and pairs[0].score == 4.0
    assert pairs[0].a == "Storm hits, town floods"
    assert pairs[1].reuse is False and pairs[1].label is None


def test_csv_pairs_needs_columns(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text("left,right\nx,y\n")
    with pytest.raises(InputError, match="needs text columns a and b"):
        list(read_csv_pairs(path))


def _pan_folder(root: Path) -> Path:
    (root / "susp").mkdir(parents=True)
    (root / "src").mkdir()
    susp = "Intro words here. The river rose two metres overnight. More text follows."
    src = "The river rose by two metres during the night. Unrelated closing line."
    (root / "susp" / "suspicious-document001.txt").write_text(susp)
    (root / "src" / "source-document007.txt").write_text(src)
    (root / "src" / "source-document008.txt").write_text("Nothing shared at all.")
    (root / "suspicious-document001.xml").write_text(
        '<document reference="suspicious-document001.txt">\n'
        '<feature name="about" language="en"/>\n'
        '<feature name="plagiarism" this_offset="18" this_length="36" '
        'source_reference="source-document007.txt" source_offset="0" source_length="46"/>\n'
        "</document>\n"
    )
    (root / "pairs").write_text(
        "suspicious-document001.txt source-document007.txt\n"
        "suspicious-document001.txt source-document008.txt\n"
    )
    return root


def test_pan(tmp_path: Path) -> None:
    root = _pan_folder(tmp_path / "pan")
    pairs = list(read_pan(root))
    assert [p.reuse for p in pairs] == [True, False]
    first = pairs[0]
    assert first.id == "suspicious-document001.txt|source-document007.txt"
    [passage] = first.passages or ()
    assert first.b[passage.b_offset : passage.b_offset + passage.b_length] == (
        "The river rose two metres overnight."
    )
    assert first.a[passage.a_offset : passage.a_offset + passage.a_length].startswith("The river")
    assert guess_format(root) == "pan"


def test_pan_missing_document(tmp_path: Path) -> None:
    root = _pan_folder(tmp_path / "pan")
    (root / "src" / "source-document007.txt").unlink()
    with pytest.raises(
        InputError, match=re.escape("annotated document 'source-document007.txt' is not")
    ):
        list(read_pan(root))


def test_read_any_rejects_genre_outside_stsb(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--genre applies to STS benchmark files only"):
        read_any(tmp_path / "x.jsonl", "jsonl", genre="main-news")

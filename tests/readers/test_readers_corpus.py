"""read_corpus: folders, JSONL, Parquet and CSV; skipped records and hard errors."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import logging
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from retold.documents import Document
from retold.errors import InputError
from retold.readers import SkipLog, read_corpus
from retold.readers.dates import normalize_published

A = "The ferry to Tarnholm was cancelled on Monday because of fog. Passengers waited for hours."
B = "Velmar council approved new cycle lanes on Thursday. Shop owners objected to the plan."
C = "A rare heron was seen at Kirkeby marsh on Sunday. Hundreds of birdwatchers came to look."

RECORDS = [
    {
        "id": "a",
        "text": A,
        "title": "Ferry cancelled",
        "url": "https://x.org/a",
        "published": "2025-03-14",
        "source": "Ledger",
    },
    {
        "id": "b",
        "text": B,
        "title": "Cycle lanes",
        "url": None,
        "published": "March 15, 2025",
        "source": None,
    },
    {"id": "c", "text": C, "title": None, "url": None, "published": None, "source": "Post"},
]


def expected_docs() -> list[Document]:
    return [
        Document("a", A, "Ferry cancelled", "https://x.org/a", "2025-03-14", "Ledger"),
        Document("b", B, "Cycle lanes", None, "2025-03-15", None),
        Document("c", C, None, None, None, "Post"),
    ]


def write_jsonl(path: Path, rows: list[dict[str, object]], *, gz: bool = False) -> Path:
    data = "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


# --- folders -----------------------------------------------------------------------------


def test_folder_with_bad_files(tmp_path: Path) -> None:
    (tmp_path / "world").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b.txt").write_text(B, encoding="utf-8")
    (tmp_path / "world" / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "world" / "c.md").write_text("# Heron\n\n" + C, encoding="utf-8")
    (tmp_path / "page.html").write_text(
        f"<html><body><p>{C}</p><script>alert(1)</script></body></html>", encoding="utf-8"
    )
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01binary\x00" * 40)
    (tmp_path / "old.txt").write_bytes("Café owners in Skarvik protested.".encode("cp1252"))
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")  # unknown extension
    (tmp_path / ".hidden.txt").write_text(A, encoding="utf-8")
    (tmp_path / ".git" / "HEAD.txt").write_text(A, encoding="utf-8")
    skips = SkipLog()
    docs = list(read_corpus(tmp_path, on_skip=skips))
    assert [d.id for d in docs] == ["b.txt", "old.txt", "page.html", "world/a.txt", "world/c.md"]
    assert docs[0].text == B
    assert docs[1].text == "Café owners in Skarvik protested."
    assert docs[2].text == C
    assert docs[4].title == "Heron" and docs[4].text == "Heron\n\n" + C
    assert skips.total == 2
    assert dict(skips.counts) == {"binary": 1, "empty": 1}
    assert skips.examples == [("blob.txt", "binary"), ("empty.txt", "empty")]


def test_folder_duplicate_ids_impossible_but_duplicate_text_kept(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "a2.txt").write_text(A, encoding="utf-8")
    assert [d.id for d in read_corpus(tmp_path)] == ["a.txt", "a2.txt"]


def test_folder_without_articles(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError) as e:
        list(read_corpus(tmp_path))
    assert str(e.value) == (
        f"{tmp_path} has no .txt, .md or .html articles and no .jsonl, .parquet, .csv or"
        " .warc.gz shards; point at the folder that holds them"
    )


def test_missing_path_and_single_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^no such file or folder: .*nope$"):
        list(read_corpus(tmp_path / "nope"))
    one = tmp_path / "one.txt"
    one.write_text(A, encoding="utf-8")
    with pytest.raises(InputError) as e:
        list(read_corpus(one))
    assert str(e.value) == (
        f"{one} is not a collection: pass a folder of articles or shards, a .jsonl, .parquet,"
        " .csv or .warc.gz file, or a quoted glob of them (use `retold compare` for single"
        " articles)"
    )


def test_skips_logged_without_on_skip(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "e.txt").write_text("", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="retold.readers"):
        assert len(list(read_corpus(tmp_path))) == 1
    assert "skipped e.txt: empty" in caplog.text


# --- JSONL -------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_round_trip(tmp_path: Path, gz: bool) -> None:
    path = write_jsonl(tmp_path / ("c.jsonl.gz" if gz else "c.jsonl"), RECORDS, gz=gz)
    assert list(read_corpus(path)) == expected_docs()


def test_jsonl_bad_records(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        json.dumps({"id": "a", "text": A}),
        '{"id": "broken", "text": ',
        "",
        json.dumps({"id": "a", "text": B}),
        json.dumps({"id": "e", "text": "   "}),
        json.dumps({"text": C}),
        json.dumps({"id": "n", "text": None}),
        json.dumps([1, 2]),
        json.dumps({"id": 7, "text": C}),
        json.dumps({"id": "z", "text": "\u0000\u0001binary\u0000"}),
        json.dumps({"id": "d", "text": "3.14 -- 2.71"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    skips = SkipLog(max_examples=3)
    docs = list(read_corpus(path, on_skip=skips))
    assert [d.id for d in docs] == ["a", "7"]
    assert docs[0].text == A
    assert dict(skips.counts) == {
        "malformed JSON": 1,
        "duplicate id": 1,
        "empty": 1,
        "binary": 1,
        "missing id": 1,
        "missing text": 1,
        "not a JSON object": 1,
        "no letters": 1,
    }
    assert skips.examples == [
        (f"{path} line 2", "malformed JSON"),
        ("a", "duplicate id"),
        ("e", "empty"),
    ]
    assert skips.summary().startswith("skipped 8: 1 malformed JSON, 1 duplicate id, 1 empty")
    assert skips.to_dict()["total"] == 8


def test_jsonl_missing_text_field(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": "a", "body": A, "headline": "x"}])
    with pytest.raises(InputError) as e:
        list(read_corpus(path))
    assert str(e.value) == (
        f"{path} has no 'text' field; its fields are: id, body, headline;"
        " pass --text-field NAME to say which holds the text"
    )


def test_jsonl_field_overrides(tmp_path: Path) -> None:
    rows = [{"doc": "a", "body": A, "headline": "Fog", "when": "2025-03-14T08:30:00Z"}]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    docs = list(
        read_corpus(
            path,
            id_field="doc",
            text_field="body",
            title_field="headline",
            published_field="when",
        )
    )
    assert docs == [Document("a", A, "Fog", None, "2025-03-14T08:30:00+00:00", None)]


def test_jsonl_empty_and_array(tmp_path: Path) -> None:
    empty = tmp_path / "e.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^.*e\.jsonl is empty$"):
        list(read_corpus(empty))
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps(RECORDS, indent=1), encoding="utf-8")
    with pytest.raises(InputError) as e:
        list(read_corpus(arr))
    assert str(e.value) == (
        f"{arr} holds a JSON array, not JSON Lines; convert it with jq -c '.[]' {arr} > arr.jsonl"
    )


def test_jsonl_is_streamed(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", RECORDS)
    with path.open("a", encoding="utf-8") as f:
        f.write("{not json\n")
    it = read_corpus(path)
    assert next(it).id == "a"  # records come before the file is read to the end


def test_demo_corpus_reads_clean() -> None:
    skips = SkipLog()
    root = Path(__file__).resolve().parents[2]
    docs = list(read_corpus(root / "src/retold/data/demo/corpus.jsonl", on_skip=skips))
    assert len(docs) == 40 and skips.total == 0
    assert all(d.title and d.published and d.source for d in docs)


# --- Parquet -----------------------------------------------------------------------------


def test_parquet_round_trip_and_folder(tmp_path: Path) -> None:
    table = pa.Table.from_pylist(RECORDS)
    pq.write_table(table.slice(0, 2), tmp_path / "part-0.parquet")
    pq.write_table(table.slice(2), tmp_path / "part-1.parquet")
    assert list(read_corpus(tmp_path / "part-0.parquet")) == expected_docs()[:2]
    assert list(read_corpus(tmp_path)) == expected_docs()


def test_parquet_batches_and_skips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("retold.readers.records.BATCH_ROWS", 2)
    rows = [{"id": f"d{i}", "text": f"Story number {i} about the harbour."} for i in range(5)]
    rows.append({"id": "d1", "text": B})
    rows.append({"id": None, "text": B})
    path = tmp_path / "c.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    skips = SkipLog()
    assert [d.id for d in read_corpus(path, on_skip=skips)] == [f"d{i}" for i in range(5)]
    assert skips.examples == [("d1", "duplicate id"), (f"{path} row 7", "missing id")]


def test_parquet_timestamps(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": A, "published": dt.datetime(2025, 3, 14, 8, 30)},
        {"id": "b", "text": B, "published": dt.datetime(2025, 3, 15)},
    ]
    path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    assert [d.published for d in read_corpus(path)] == ["2025-03-14T08:30:00", "2025-03-15"]


def test_parquet_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    pq.write_table(pa.table({"key": ["a"], "text": [A]}), path)
    with pytest.raises(InputError) as e:
        list(read_corpus(path))
    assert str(e.value) == (
        f"{path} has no 'id' column; its columns are: key, text;"
        " pass --id-field NAME to say which holds the id"
    )
    assert [d.id for d in read_corpus(path, id_field="key")] == ["a"]


def test_parquet_damaged(tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match=r"is not a readable Parquet file .*; re-create it$"):
        list(read_corpus(path))


# --- CSV ---------------------------------------------------------------------------------


def write_csv(path: Path, rows: list[dict[str, object]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.DictWriter(
            f, fieldnames=list(rows[0]), delimiter="\t" if ".tsv" in path.name else ","
        )
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return path


@pytest.mark.parametrize("name", ["c.csv", "c.tsv"])
def test_csv_round_trip(tmp_path: Path, name: str) -> None:
    path = write_csv(tmp_path / name, RECORDS)
    assert list(read_corpus(path)) == expected_docs()


def test_csv_multiline_text_and_bad_rows(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": "First paragraph.\n\nSecond paragraph, with a comma."},
        {"id": "", "text": B},
        {"id": "e", "text": ""},
        {"id": "a", "text": C},
    ]
    path = write_csv(tmp_path / "c.csv", rows)
    skips = SkipLog()
    docs = list(read_corpus(path, on_skip=skips))
    assert [d.text for d in docs] == ["First paragraph.\n\nSecond paragraph, with a comma."]
    assert skips.examples == [
        (f"{path} line 5", "missing id"),
        ("e", "empty"),
        ("a", "duplicate id"),
    ]


def test_csv_legacy_encoding(tmp_path: Path) -> None:
    rows = [{"id": "a", "text": "Fähren nach Ærø fahren wieder, sagte der Bürgermeister."}]
    path = write_csv(tmp_path / "c.csv", rows, encoding="cp1252")
    assert [d.text for d in read_corpus(path)] == [rows[0]["text"]]


def test_csv_missing_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [{"id": "a", "content": A}])
    with pytest.raises(InputError) as e:
        list(read_corpus(path))
    assert str(e.value) == (
        f"{path} has no 'text' column; its columns are: id, content;"
        " pass --text-field NAME to say which holds the text"
    )


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-03-14", "2025-03-14"),
        ("2025-03-14 08:30", "2025-03-14T08:30:00"),
        ("2025-03-14T08:30:00+01:00", "2025-03-14T08:30:00+01:00"),
        ("14 March 2025", "2025-03-14"),
        ("14.03.2025", "2025-03-14"),
        ("2025/03/14", "2025-03-14"),
        ("Fri, 14 Mar 2025 08:30:00 GMT", "2025-03-14T08:30:00+00:00"),
        (1741941000, "2025-03-14T08:30:00+00:00"),
        ("1741941000000", "2025-03-14T08:30:00+00:00"),
        (dt.date(2025, 3, 14), "2025-03-14"),
        ("  ", None),
        (None, None),
        ("last spring", "last spring"),
    ],
)
def test_normalize_published(value: object, iso: str | None) -> None:
    assert normalize_published(value) == iso


def test_record_ids_kept_as_given(tmp_path: Path) -> None:
    rows = [{"id": "x  y", "text": A}, {"id": "x y", "text": B}, {"id": 12, "text": C}]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    assert [d.id for d in read_corpus(path)] == ["x  y", "x y", "12"]

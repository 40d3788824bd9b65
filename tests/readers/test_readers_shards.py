"""Many files at once: folders and globs of shards are one collection with unique ids."""

from __future__ import annotations

import bz2
import gzip
import json
import logging
import lzma
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from retold.bench.warcgen import article_page, response, write_warc
from retold.documents import Document
from retold.errors import InputError
from retold.readers import SkipLog, is_collection, read_corpus
from retold.readers.shards import file_kind

TEXTS = [
    "The ferry between Vesterby and Holmsund sailed again on Tuesday.",
    "The town library will keep one room open until midnight from March.",
    "A cold spring has pushed the apple harvest back by three weeks.",
    "Fire crews in Tarnholm were called to a barn blaze late on Sunday.",
]


def lines(rows: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")


def zst(data: bytes, path: Path) -> None:
    with pa.output_stream(str(path), compression="zstd") as f:
        f.write(data)


def test_folder_of_compressed_jsonl_shards(tmp_path: Path) -> None:
    rows = [{"id": f"a{k}", "text": t} for k, t in enumerate(TEXTS)]
    (tmp_path / "part-0.jsonl.gz").write_bytes(gzip.compress(lines(rows[:1])))
    zst(lines(rows[1:2]), tmp_path / "part-1.jsonl.zst")
    (tmp_path / "part-2.jsonl.bz2").write_bytes(bz2.compress(lines(rows[2:3])))
    (tmp_path / "part-3.ndjson.xz").write_bytes(lzma.compress(lines(rows[3:])))
    (tmp_path / "dataset_info.json").write_text('{"about": "not a shard"}', encoding="utf-8")
    assert [d.id for d in read_corpus(tmp_path)] == ["a0", "a1", "a2", "a3"]


def test_ids_stay_unique_across_shards(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "day1.jsonl").write_bytes(
        lines([{"id": "1", "text": TEXTS[0]}, {"id": "2", "text": TEXTS[1]}])
    )
    # shard-local numbering starts again, and one id repeats inside the shard
    (tmp_path / "day2.jsonl").write_bytes(
        lines(
            [
                {"id": "1", "text": TEXTS[2]},
                {"id": "3", "text": TEXTS[3]},
                {"id": "3", "text": TEXTS[0]},
            ]
        )
    )
    skips = SkipLog()
    with caplog.at_level(logging.WARNING, logger="retold.readers"):
        docs = list(read_corpus(tmp_path, on_skip=skips))
    assert [d.id for d in docs] == ["1", "2", "day2.jsonl#1", "3"]
    assert docs[2].text == TEXTS[2]
    assert skips.examples == [("3", "duplicate id")]
    assert "1 ids of day2.jsonl were already used by an earlier shard" in caplog.text


def test_glob_of_parquet_shards_with_mapped_columns(tmp_path: Path) -> None:
    for k in range(3):
        table = pa.table(
            {
                "doc_id": [f"p{k}"],
                "body": [TEXTS[k]],
                "headline": [f"Story {k}"],
                "day": ["2025-01-0" + str(k + 1)],
            }
        )
        pq.write_table(table, tmp_path / f"part-{k:05d}.parquet")
    (tmp_path / "other.parquet").write_bytes(b"")  # not matched by the glob
    docs = list(
        read_corpus(
            str(tmp_path / "part-*.parquet"),
            id_field="doc_id",
            text_field="body",
            title_field="headline",
            published_field="day",
        )
    )
    assert [(d.id, d.title, d.published) for d in docs] == [
        ("p0", "Story 0", "2025-01-01"),
        ("p1", "Story 1", "2025-01-02"),
        ("p2", "Story 2", "2025-01-03"),
    ]


def test_glob_of_warc_shards(tmp_path: Path) -> None:
    (tmp_path / "crawl").mkdir()
    for k in range(2):
        doc = Document(id="x", title=f"Story {k}", text=f"{TEXTS[k]}\n\n{TEXTS[k + 2]}")
        with (tmp_path / "crawl" / f"CC-{k}.warc.gz").open("wb") as f:
            write_warc([response(f"https://n.example/{k}", article_page(doc).encode())], f)
    (tmp_path / "crawl" / "index.cdx").write_text("not a shard\n", encoding="utf-8")
    skips = SkipLog()
    docs = list(read_corpus(str(tmp_path / "crawl" / "*"), on_skip=skips))
    assert [d.id for d in docs] == ["https://n.example/0", "https://n.example/1"]
    assert skips.examples == [
        (
            str(tmp_path / "crawl" / "index.cdx"),
            "not a collection file (no reader takes this extension)",
        )
    ]
    # a folder of WARC shards is the same collection
    assert [d.id for d in read_corpus(tmp_path / "crawl")] == [d.id for d in docs]


def test_glob_of_article_files_keeps_relative_ids(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    for k in range(2):
        (tmp_path / "news" / f"{k}.txt").write_text(TEXTS[k], encoding="utf-8")
    docs = list(read_corpus(str(tmp_path / "news" / "*.txt")))
    assert [d.id for d in docs] == ["0.txt", "1.txt"]


def test_glob_that_matches_nothing(tmp_path: Path) -> None:
    pattern = str(tmp_path / "*.warc.gz")
    with pytest.raises(InputError) as e:
        list(read_corpus(pattern))
    assert str(e.value) == (
        f"no files match {pattern}; check the pattern, or pass a folder of articles or shards,"
        " a .jsonl, .parquet, .csv or .warc.gz file, or a quoted glob of them"
    )


def test_csv_and_jsonl_shards_in_one_folder(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(f"id,text\nc1,{TEXTS[0]}\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_bytes(lines([{"id": "j1", "text": TEXTS[1]}]))
    assert [d.id for d in read_corpus(tmp_path)] == ["c1", "j1"]


@pytest.mark.parametrize(
    "name,kind",
    [
        ("x.jsonl.zst", "jsonl"),
        ("x.json", "jsonl"),
        ("x.csv.gz", "csv"),
        ("x.tsv", "csv"),
        ("part-1.parquet", "parquet"),
        ("x.warc.gz", "warc"),
        ("x.warc", "warc"),
        ("x.html", "articles"),
        ("x.cdx", "other"),
    ],
)
def test_file_kind(name: str, kind: str) -> None:
    assert file_kind(Path(name)) == kind


def test_is_collection(tmp_path: Path) -> None:
    assert is_collection(tmp_path) and is_collection(str(tmp_path / "*.jsonl"))
    assert is_collection("crawl.warc.gz") and is_collection("dump.jsonl.zst")
    assert not is_collection("story.txt") and not is_collection("page.html")

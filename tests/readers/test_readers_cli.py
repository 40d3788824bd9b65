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


# --- hints that name an option name a real one ---------------------------------------------

CORPUS_COMMANDS = (("dedup",), ("index", "add"), ("find",), ("serve",))


def options_of(path: tuple[str, ...]) -> set[str]:
    import click

    from retold.cli import cli

    ctx = click.Context(cli)
    command: click.Command | None = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(ctx, name)
    assert command is not None
    return {opt for p in command.params for opt in p.opts if opt.startswith("--")}


def hints(tmp_path: Path) -> list[str]:
    """The error text of every reader hint that names an option."""
    from retold.errors import InputError
    from retold.readers import read_corpus, read_document

    (tmp_path / "no-id.csv").write_text("doc,text\n1,Rain fell.\n", encoding="utf-8")
    (tmp_path / "no-text.jsonl").write_text('{"id": "1", "body": "Rain."}\n', encoding="utf-8")
    (tmp_path / "big.txt").write_text("Rain fell all day. " * 100, encoding="utf-8")
    out = []
    for bad in ("no-id.csv", "no-text.jsonl"):
        with pytest.raises(InputError) as e:
            list(read_corpus(tmp_path / bad))
        out.append(str(e.value))
    with pytest.raises(InputError) as e:
        read_document(tmp_path / "big.txt", max_bytes=100)
    out.append(str(e.value))
    return out


def test_every_option_a_hint_names_exists_on_every_corpus_command(tmp_path: Path) -> None:
    import re

    named = {opt for hint in hints(tmp_path) for opt in re.findall(r"--[a-z][a-z-]+", hint)}
    assert named == {"--id-field", "--text-field", "--max-bytes"}
    for path in CORPUS_COMMANDS:
        assert named <= options_of(path), path


def test_column_mapping_options_on_every_corpus_command() -> None:
    wanted = {
        "--id-field",
        "--text-field",
        "--title-field",
        "--url-field",
        "--date-field",
        "--source-field",
        "--max-bytes",
    }
    for path in CORPUS_COMMANDS:
        assert wanted <= options_of(path), path


def test_dedup_hint_then_the_option_it_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "dump.csv"
    dump.write_text(
        "doc_id,body,headline,day\n"
        "a,The ferry to Holmsund sailed again on Tuesday after the storm.,Ferry back,2025-01-02\n"
        "b,The ferry to Holmsund sailed again on Tuesday after the storm.,Ferry back,2025-01-03\n",
        encoding="utf-8",
    )
    out = tmp_path / "clusters.jsonl"
    code, err = run(["dedup", str(dump), "-o", str(out), "--lexical-only", "-q"], capsys)
    assert (code, err) == (
        2,
        f"Error: {dump} has no 'id' column; its columns are: doc_id, body, headline, day;"
        " pass --id-field NAME to say which holds the id\n",
    )
    argv = ["dedup", str(dump), "-o", str(out), "--lexical-only", "-q", "--id-field", "doc_id"]
    argv += ["--text-field", "body", "--title-field", "headline", "--date-field", "day"]
    assert main(argv) is None
    import json

    (cluster,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(m["id"], m["title"]) for m in cluster["members"]] == [
        ("a", "Ferry back"),
        ("b", "Ferry back"),
    ]
    assert cluster["source"] == "a"  # the earlier --date-field value


# --- WARC input through the commands --------------------------------------------------------

PARAGRAPHS = [
    "The ferry between Vesterby and Holmsund sailed again on Tuesday after a two-day storm.",
    "Crews had spent the weekend clearing the harbour of fallen trees and a sunken dinghy.",
    "About 300 passengers crossed on the first morning sailing, the operator Nordlys said.",
    "The harbour master said the north pier would stay closed until its lights are fixed.",
]


def crawl(path: Path) -> Path:
    from retold.bench.warcgen import article_page, request, response, write_warc
    from retold.documents import Document

    story = Document(id="x", title="Ferry sails again", text="\n\n".join(PARAGRAPHS))
    other = Document(
        id="y",
        title="Library opens at night",
        text="The town library will keep one reading room open until midnight from March on."
        "\n\nVolunteers from the reading club offered to staff the late shifts each week.",
    )
    records = []
    for k, doc in enumerate([story, other, story]):
        uri = f"https://gazette{k}.example/news/{k}"
        records += [request(uri), response(uri, article_page(doc).encode("utf-8"))]
    with path.open("wb") as f:
        write_warc(records, f)
    return path


def test_dedup_reads_a_warc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    warc = crawl(tmp_path / "crawl.warc.gz")
    out = tmp_path / "clusters.jsonl"
    assert main(["dedup", str(warc), "-o", str(out), "--lexical-only"]) is None
    err = capsys.readouterr().err
    assert (
        f"warning: skipped 3 records of {warc}: not a page (request, metadata, warcinfo,"
        " revisit or other records)"
    ) in err
    assert "3 documents" in err
    (cluster,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(m["id"], m["title"]) for m in cluster["members"]] == [
        ("https://gazette0.example/news/0", "Ferry sails again"),
        ("https://gazette2.example/news/2", "Ferry sails again"),
    ]


def test_index_add_and_find_read_warcs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warc = crawl(tmp_path / "crawl.warc.gz")
    index = tmp_path / "news.idx"
    assert main(["index", "add", str(warc), "--index", str(index), "-q", "--num-cpus", "1"]) is None
    assert main(["find", str(warc), "--index", str(index), "-q"]) is None
    heads = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert heads == [
        "https://gazette0.example/news/0: 1 source",
        "https://gazette1.example/news/1: no sources found",
        "https://gazette2.example/news/2: 1 source",
    ]


def test_viewer_store_reads_a_warc_corpus_with_its_clusters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from retold.viewer.store import MemoryStore

    warc = crawl(tmp_path / "crawl.warc.gz")
    out = tmp_path / "clusters.jsonl"
    main(["dedup", str(warc), "-o", str(out), "--lexical-only", "-q"])
    store = MemoryStore.from_files(out, warc)
    assert store.document_count() == 3
    doc = store.document("https://gazette1.example/news/1")
    assert doc is not None and doc.title == "Library opens at night"
    (cluster,) = store.clusters()
    assert cluster.title == "Ferry sails again"


def test_serve_passes_the_column_mapping_to_the_viewer_store(tmp_path: Path) -> None:
    from retold.cli.options import DEFAULT_READ_OPTIONS
    from retold.cli.serve import _open_store

    dump = tmp_path / "dump.csv"
    dump.write_text("doc_id,body\na,The ferry to Holmsund sailed again.\n", encoding="utf-8")
    options = {**DEFAULT_READ_OPTIONS, "id_field": "doc_id", "text_field": "body"}
    store = _open_store(None, None, dump, options)
    assert store.document("a") is not None


def test_ray_engine_refuses_a_column_mapping_it_would_ignore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "dump.csv"
    dump.write_text("doc_id,text\na,The ferry to Holmsund sailed again.\n", encoding="utf-8")
    argv = ["dedup", str(dump), "-o", str(tmp_path / "c.jsonl"), "--engine", "ray"]
    code, err = run([*argv, "--id-field", "doc_id"], capsys)
    assert (code, err) == (
        2,
        "Error: --engine ray reads the standard columns only: rename the columns to id, text,"
        " title, url, published, source (and keep --max-bytes at its default), or use the"
        " local engine\n",
    )

"""WARC input: pages kept, everything else skipped and counted, damage never fatal."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import pytest

from retold.bench.warcgen import (
    WarcRecord,
    article_page,
    request,
    response,
    write_warc,
)
from retold.documents import Document
from retold.errors import InputError
from retold.readers import SkipLog, read_corpus
from retold.readers.warc import is_warc

STORIES = [
    Document(
        id=f"s{k}",
        title=title,
        published=f"2025-02-{10 + k:02d}",
        text=f"{title}\n\n" + " ".join(body),
    )
    for k, (title, body) in enumerate(
        [
            (
                "Ferry service to Holmsund resumes after storm",
                [
                    "The ferry between Vesterby and Holmsund sailed again on Tuesday.",
                    "Crews had spent two days clearing the harbour of fallen trees.",
                    "About 300 passengers crossed on the first morning crossing.",
                ],
            ),
            (
                "Library in Tarnholm opens a night reading room",
                [
                    "The town library will keep one room open until midnight from March.",
                    "Volunteers from the reading club offered to staff the late shifts.",
                    "The council pays for heating and for two extra security guards.",
                ],
            ),
            (
                "Orchard growers expect a late apple harvest",
                [
                    "A cold spring has pushed the apple harvest back by three weeks.",
                    "Growers in the Brenholt valley say the fruit is smaller this year.",
                    "Prices at the autumn market are expected to rise by a tenth.",
                ],
            ),
        ]
    )
]


def url(k: int) -> str:
    return f"https://gazette.example/story/{k}"


def pages(docs: list[Document] = STORIES) -> list[WarcRecord]:
    recs = [
        WarcRecord("warcinfo", None, b"software: test\r\n", content_type="application/warc-fields")
    ]
    for k, doc in enumerate(docs):
        recs += [request(url(k)), response(url(k), article_page(doc).encode("utf-8"))]
    return recs


def write(path: Path, records: list[WarcRecord], compress: bool = True) -> Path:
    with path.open("wb") as f:
        write_warc(records, f, compress=compress)
    return path


@pytest.mark.parametrize("name,compress", [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_pages_read_with_metadata(tmp_path: Path, name: str, compress: bool) -> None:
    skips = SkipLog()
    docs = list(read_corpus(write(tmp_path / name, pages(), compress), on_skip=skips))
    assert [d.id for d in docs] == [url(0), url(1), url(2)]
    first = docs[0]
    assert first.url == url(0)
    assert first.title == "Ferry service to Holmsund resumes after storm"
    assert first.published == "2025-02-10"  # the page's own date, not the WARC-Date
    assert first.source == "Harbour Gazette"
    assert "About 300 passengers crossed on the first morning crossing." in first.text
    for boiler in ("Privacy", "All rights reserved", "More news from the region", "track("):
        assert boiler not in first.text
    # warcinfo and three requests: skipped in bulk, with their count
    assert dict(skips.counts) == {
        "not a page (request, metadata, warcinfo, revisit or other records)": 4
    }
    # skipped in bulk: the reason is the example
    assert skips.summary() == (
        "skipped 4: 4 not a page (request, metadata, warcinfo, revisit or other records)"
    )


def test_warc_date_when_the_page_has_none(tmp_path: Path) -> None:
    body = (
        "<html><body><article><p>The ferry between Vesterby and Holmsund sailed again on"
        " Tuesday after two days of storm.</p><p>About 300 passengers crossed on the first"
        " morning crossing, the operator said.</p></article></body></html>"
    )
    recs = [response(url(9), body.encode(), date="2024-11-05T06:07:08Z")]
    (doc,) = read_corpus(write(tmp_path / "c.warc.gz", recs))
    assert doc.published == "2024-11-05T06:07:08+00:00"


def test_plain_text_and_resource_records(tmp_path: Path) -> None:
    text = "Harbour crane toppled in gale\n\nA crane at the port of Lindvik toppled on Monday."
    recs = [
        response(url(1), text.encode(), "text/plain; charset=utf-8"),
        WarcRecord(
            "resource",
            url(2),
            article_page(STORIES[1]).encode(),
            content_type="text/html",
        ),
    ]
    docs = list(read_corpus(write(tmp_path / "c.warc.gz", recs)))
    assert [d.id for d in docs] == [url(1), url(2)]
    assert docs[0].title == "Harbour crane toppled in gale"
    assert docs[1].title == "Library in Tarnholm opens a night reading room"


def test_every_kind_of_bad_record_is_skipped_with_a_reason(tmp_path: Path) -> None:
    nav = "<html><body><nav><ul>" + "".join(
        f"<li><a href='/{i}'>Section {i}</a></li>" for i in range(30)
    )
    recs = [
        *pages(STORIES[:1]),
        response(url(5), b"\x89PNG\r\n\x1a\n....", "image/png"),
        response(url(6), b"", status="301 Moved Permanently"),
        response(url(7), b"", "text/html"),  # no body
        response(url(8), (nav + "</ul></nav></body></html>").encode()),  # all navigation
        WarcRecord(
            "metadata", url(0), b"fetchTimeMs: 12\r\n", content_type="application/warc-fields"
        ),
    ]
    skips = SkipLog()
    docs = list(read_corpus(write(tmp_path / "c.warc.gz", recs), on_skip=skips))
    assert [d.id for d in docs] == [url(0)]
    assert dict(skips.counts) == {
        "not a page (request, metadata, warcinfo, revisit or other records)": 3,
        "not HTML or text (images, scripts, PDFs and other media)": 1,
        "not a successful response (redirect or error status)": 1,
        "no body": 1,
        "no article text": 1,
    }
    where = {reason: loc for loc, reason in skips.examples}
    assert where["no body"] == f"{tmp_path / 'c.warc.gz'} record 6 ({url(7)})"


def test_truncated_last_member_keeps_the_records_before_it(tmp_path: Path) -> None:
    whole = write(tmp_path / "whole.warc.gz", pages()).read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[:-60])
    skips = SkipLog()
    docs = list(read_corpus(cut, on_skip=skips))
    assert [d.id for d in docs] == [url(0), url(1)]
    assert skips.counts["truncated record"] == 1


def test_truncated_uncompressed_record(tmp_path: Path) -> None:
    whole = write(tmp_path / "whole.warc", pages(), compress=False).read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole[: whole.rindex(b"</article>")])
    skips = SkipLog()
    assert [d.id for d in read_corpus(cut, on_skip=skips)] == [url(0), url(1)]
    assert skips.counts["truncated record"] == 1


def test_legacy_charset_from_the_http_header(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = (
        "<html><body><article><p>Größere Fähren fahren ab März nach Ærø, sagte der"
        " Bürgermeister am Montag.</p><p>Die Überfahrt dauert künftig nur noch vierzig"
        " Minuten, teilte die Reederei mit.</p></article></body></html>"
    )
    recs = [response(url(1), page.encode("iso-8859-1"), "text/html; charset=ISO-8859-1")]
    with caplog.at_level(logging.WARNING, logger="retold.readers"):
        (doc,) = read_corpus(write(tmp_path / "de.warc.gz", recs))
    assert "Größere Fähren fahren ab März nach Ærø" in doc.text
    assert "is not UTF-8; read it as iso8859-1 (its declared charset)" in caplog.text


def test_same_uri_twice_keeps_both_with_the_record_id(tmp_path: Path) -> None:
    again = response(url(0), article_page(STORIES[1]).encode(), record_id="urn:uuid:1234-abcd")
    docs = list(read_corpus(write(tmp_path / "c.warc.gz", [*pages(STORIES[:1]), again])))
    assert [d.id for d in docs] == [url(0), "urn:uuid:1234-abcd"]
    assert docs[1].url == url(0)


def test_too_large_record_skipped_without_reading_it(tmp_path: Path) -> None:
    skips = SkipLog()
    docs = list(read_corpus(write(tmp_path / "c.warc.gz", pages()), on_skip=skips, max_bytes=100))
    assert docs == []
    assert skips.counts["too large"] == 3


def test_not_a_warc(tmp_path: Path) -> None:
    p = tmp_path / "x.warc.gz"
    p.write_bytes(gzip.compress(b"just some text, not a web archive\n"))
    with pytest.raises(InputError) as e:
        list(read_corpus(p))
    assert str(e.value) == (
        f"{p} holds no WARC records; pass a .warc or .warc.gz file as crawlers write them"
    )


def test_is_warc() -> None:
    assert is_warc(Path("a/CC-NEWS-2024.WARC.GZ")) and is_warc(Path("x.warc"))
    assert not is_warc(Path("x.warc.txt")) and not is_warc(Path("dump.jsonl.gz"))


def members(records: list[WarcRecord]) -> list[bytes]:
    return [gzip.compress(r.to_bytes()) for r in records]


def test_damaged_member_in_the_middle_loses_only_itself(tmp_path: Path) -> None:
    parts = members([response(url(k), article_page(d).encode()) for k, d in enumerate(STORIES)])
    broken = bytearray(parts[1])
    broken[40:80] = b"\x00" * 40
    p = tmp_path / "c.warc.gz"
    p.write_bytes(parts[0] + bytes(broken) + parts[2])
    skips = SkipLog()
    assert [d.id for d in read_corpus(p, on_skip=skips)] == [url(0), url(2)]
    assert skips.examples == [(f"{p} after record 1", "damaged WARC data")]


def test_garbage_before_the_first_record(tmp_path: Path) -> None:
    parts = members([response(url(k), article_page(d).encode()) for k, d in enumerate(STORIES)])
    p = tmp_path / "c.warc.gz"
    p.write_bytes(b"partial download\n" + parts[1] + parts[2])
    skips = SkipLog()
    assert [d.id for d in read_corpus(p, on_skip=skips)] == [url(1), url(2)]
    assert skips.examples == [(f"{p} at its start", "damaged WARC data")]


def test_damaged_uncompressed_record(tmp_path: Path) -> None:
    raw = [response(url(k), article_page(d).encode()).to_bytes() for k, d in enumerate(STORIES)]
    p = tmp_path / "c.warc"
    p.write_bytes(raw[0] + b"XXXX" + raw[1][4:] + raw[2])
    assert [d.id for d in read_corpus(p, on_skip=SkipLog())] == [url(0), url(2)]


# --- extraction in worker processes ----------------------------------------------------------


def many_pages(n: int) -> list[WarcRecord]:
    from retold.bench.synth import SynthConfig, generate

    recs: list[WarcRecord] = []
    for k, doc in enumerate(generate(n, SynthConfig(seed=5))):
        recs += [request(url(k)), response(url(k), article_page(doc).encode("utf-8"))]
        if k % 10 == 3:  # a page crawled twice, and a record that cannot be used
            recs += [response(url(k), article_page(doc).encode("utf-8"))]
            recs += [response(url(10_000 + k), b"", "text/html")]
    return recs


def test_workers_give_the_same_documents_in_the_same_order(tmp_path: Path) -> None:
    p = write(tmp_path / "c.warc.gz", many_pages(120))
    one, two = SkipLog(), SkipLog()
    inline = list(read_corpus(p, on_skip=one))
    pooled = list(read_corpus(p, on_skip=two, workers=2))
    assert len(inline) == 132 and pooled == inline
    assert one.to_dict() == two.to_dict()
    assert one.counts["no body"] == 12


def test_workers_must_be_positive(tmp_path: Path) -> None:
    from retold.errors import ConfigError

    with pytest.raises(ConfigError, match=r"^workers must be >= 1, not 0$"):
        list(read_corpus(write(tmp_path / "c.warc.gz", pages()), workers=0))


READER = """
import sys
from retold.readers import read_corpus
for k, doc in enumerate(read_corpus(sys.argv[1], workers=2, on_skip=lambda *a, **k: None)):
    if k == 40:
        print("reading", flush=True)
"""


def test_kill_9_mid_read_leaves_no_extraction_worker(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    psutil = pytest.importorskip("psutil")
    p = write(tmp_path / "c.warc.gz", many_pages(3000))
    proc = subprocess.Popen(
        [sys.executable, "-c", READER, str(p)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline() == "reading\n"
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children, "the read must have started its workers"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE for c in children):
        assert time.monotonic() < deadline, "extraction workers outlived their killed parent"
        time.sleep(0.1)


# --- bodies stored as sent: chunked, compressed ----------------------------------------------


def raw_response(uri: str, body: bytes, *headers: str) -> WarcRecord:
    head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    head += "".join(f"{h}\r\n" for h in headers) + "\r\n"
    return WarcRecord("response", uri, head.encode("ascii") + body)


def chunked(data: bytes, size: int = 70) -> bytes:
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def test_chunked_and_compressed_bodies_are_decoded(tmp_path: Path) -> None:
    import zlib

    import brotli

    page = article_page(STORIES[0]).encode("utf-8")
    deflated = zlib.compressobj(wbits=-15)
    raw_deflate = deflated.compress(page) + deflated.flush()
    recs = [
        raw_response(
            url(0),
            chunked(gzip.compress(page)),
            "Content-Encoding: gzip",
            "Transfer-Encoding: chunked",
        ),
        raw_response(url(1), chunked(page), "Transfer-Encoding: chunked"),
        raw_response(url(2), zlib.compress(page), "Content-Encoding: deflate"),
        raw_response(url(3), raw_deflate, "Content-Encoding: deflate"),
        raw_response(url(4), brotli.compress(page), "Content-Encoding: br"),
        raw_response(url(5), gzip.compress(page)[:-30] + b"garbage!" * 4, "Content-Encoding: gzip"),
        raw_response(url(6), page, "Content-Encoding: compress"),
    ]
    skips = SkipLog()
    docs = list(read_corpus(write(tmp_path / "c.warc.gz", recs), on_skip=skips))
    assert [d.id for d in docs] == [url(k) for k in range(5)]
    assert {d.text for d in docs} == {docs[0].text}
    assert docs[0].title == "Ferry service to Holmsund resumes after storm"
    assert skips.counts["undecodable HTTP body (damaged chunks or compression)"] == 2


def test_compressed_body_over_the_limit_is_too_large(tmp_path: Path) -> None:
    bomb = gzip.compress(b"<p>" + b"a" * 200_000 + b"</p>")
    recs = [raw_response(url(0), bomb, "Content-Encoding: gzip")]
    skips = SkipLog()
    assert (
        list(read_corpus(write(tmp_path / "c.warc.gz", recs), on_skip=skips, max_bytes=50_000))
        == []
    )
    assert skips.counts["too large"] == 1

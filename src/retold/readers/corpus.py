"""Read a collection of articles as a stream of Documents.

A collection is a folder of article files (recursive; ``.txt``, ``.md``, ``.html``; id =
relative POSIX path), one JSONL, Parquet, CSV/TSV or WARC file, or many of them at once: a
folder or a glob of shards (``crawl/*.warc.gz``, ``dump/*.jsonl.zst``, ``part-*.parquet``) is
one collection. Records that cannot be used are skipped, never fatal: each skip is reported to
``on_skip(location, reason)``, e.g. a :class:`SkipLog`. A problem with the whole collection (a
missing column, a path that does not exist) raises :class:`~retold.errors.InputError`.

Nothing is loaded whole: JSONL and CSV are read line by line, Parquet batch by batch, WARC record
by record.
"""

from __future__ import annotations

import inspect
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from retold.documents import Document
from retold.errors import ConfigError
from retold.readers.files import DEFAULT_MAX_BYTES, ReadError, parse_bytes, read_bytes
from retold.readers.records import (
    COMPRESSED_SUFFIXES,
    Fields,
    Item,
    read_csv,
    read_jsonl,
    read_parquet,
)
from retold.readers.shards import NOTICE_REASON, Shard, find_shards
from retold.readers.warc import read_warc

log = logging.getLogger("retold.readers")

OnSkip = Callable[[str, str], None]


class SkipLog:
    """Counts skipped records by reason and keeps the first few examples; pass it as on_skip.

    Example:
        >>> skips = SkipLog(max_examples=2)
        >>> skips("a.txt", "empty"); skips("b.txt", "binary"); skips("c.txt", "empty")
        >>> skips.total, dict(skips.counts)
        (3, {'empty': 2, 'binary': 1})
        >>> skips.summary()
        'skipped 3: 2 empty, 1 binary (e.g. a.txt: empty; b.txt: binary)'
    """

    def __init__(self, max_examples: int = 10) -> None:
        self.max_examples = max_examples
        self.counts: Counter[str] = Counter()
        self.examples: list[tuple[str, str]] = []

    def __call__(self, location: str, reason: str, count: int | None = None) -> None:
        # a count comes with records skipped in bulk (a file's request records): they need no
        # example, the reason says it all
        self.counts[reason] += 1 if count is None else count
        if count is None and len(self.examples) < self.max_examples:
            self.examples.append((location, reason))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """One line for humans; empty string when nothing was skipped."""
        if not self.total:
            return ""
        parts = ", ".join(f"{n:,} {reason}" for reason, n in self.counts.most_common())
        if not self.examples:
            return f"skipped {self.total:,}: {parts}"
        examples = "; ".join(f"{loc}: {reason}" for loc, reason in self.examples)
        return f"skipped {self.total:,}: {parts} (e.g. {examples})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_reason": dict(self.counts.most_common()),
            "examples": [{"location": loc, "reason": r} for loc, r in self.examples],
        }


def _log_skip(location: str, reason: str, count: int | None = None) -> None:
    if count is None:
        log.warning("skipped %s: %s", location, reason)
    else:
        log.warning("skipped %s records of %s: %s", f"{count:,}", location, reason)


def _bulk(skip: Callable[..., None]) -> Callable[[str, str, int], None]:
    """``on_skip`` for many records at once: with a count when it takes one, else one line."""
    try:
        takes_count = "count" in inspect.signature(skip).parameters
    except (TypeError, ValueError):
        takes_count = False
    if takes_count:
        return lambda location, reason, n: skip(location, reason, count=n)
    return lambda location, reason, n: skip(f"{location} ({n:,} records)", reason)


def read_corpus(
    path: str | os.PathLike[str],
    *,
    on_skip: OnSkip | None = None,
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    url_field: str = "url",
    published_field: str = "published",
    source_field: str = "source",
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
) -> Iterator[Document]:
    """Stream the documents of a collection, skipping bad records (duplicate ids keep the first).

    Ids stay unique across shards: an id that an earlier shard already used is read as
    ``SHARD#ID`` (``SHARD`` the shard's path inside the collection), and one warning per shard
    says so. In a WARC file the id is the page's target URI, or its WARC-Record-ID when that URI
    was already read (the same page crawled twice).

    Args:
        path: A folder of articles or of shards, a glob of shards (quote it in a shell), or one
            ``.jsonl`` (``.gz``, ``.bz2``, ``.xz``, ``.zst``), ``.parquet``, ``.csv``, ``.tsv``,
            ``.warc`` or ``.warc.gz`` file.
        on_skip: Called as ``on_skip(location, reason)`` for each skipped record (with
            ``count=N`` for records skipped in bulk, when it takes a ``count``); without it,
            skips are logged as warnings on the ``retold.readers`` logger.
        id_field: Column or key holding the id (records only; folders use the path).
        text_field: Column or key holding the article text.
        title_field: Column or key holding the title (optional).
        url_field: Column or key holding the URL (optional).
        published_field: Column or key holding the publication date, normalised to ISO 8601.
        source_field: Column or key holding the publisher (optional).
        max_bytes: Largest file (folders), text (records) or record body (WARC) accepted.
        workers: Processes that extract the text of WARC pages (extraction is the slow part
            of reading a crawl); the documents and their order are the same for any number.

    Raises:
        InputError: The path does not exist, is not a collection, or lacks the id/text column.

    Example:
        >>> skips = SkipLog()
        >>> docs = list(read_corpus("src/retold/data/demo/corpus.jsonl", on_skip=skips))
        >>> len(docs), docs[0].id, docs[0].published, skips.total
        (40, 'n01', '2025-03-02', 0)
    """
    fields = Fields(id_field, text_field, title_field, url_field, published_field, source_field)
    if workers < 1:
        raise ConfigError(f"workers must be >= 1, not {workers}")
    skip: Callable[..., None] = on_skip if on_skip is not None else _log_skip
    bulk = _bulk(skip)
    shards = find_shards(path)
    # id -> number of the shard that first used it
    origin: dict[str, int] = {}
    for number, shard in enumerate(shards):
        requalified = 0
        for item in _read_shard(shard, fields, max_bytes, origin.__contains__, bulk, workers):
            if isinstance(item, tuple):
                skip(*item)
                continue
            first = origin.get(item.id)
            if first is not None and first != number:
                item = _requalify(item, shard.label)
                requalified += 1
                first = origin.get(item.id)
            if first is not None:
                skip(item.id, "duplicate id")
                continue
            origin[item.id] = number
            yield item
        if requalified:
            log.warning(
                "%s ids of %s were already used by an earlier shard; read them as '%s#ID'",
                f"{requalified:,}",
                shard.label,
                shard.label,
            )


def count_documents(path: str | os.PathLike[str]) -> int | None:
    """How many documents ``read_corpus(path)`` will give at most, when that is cheap to know.

    Article folders count their files, Parquet its row counts, plain JSONL and CSV their lines
    (one pass over the bytes, ~1 GB/s); compressed files and WARC crawls would have to be read
    whole, so their collections count as unknown (None). Progress bars use it as their total.

    Example:
        >>> count_documents("src/retold/data/demo/corpus.jsonl")
        40
    """
    total = 0
    for shard in find_shards(path):
        n = _count_shard(shard)
        if n is None:
            return None
        total += n
    return total


def _count_shard(shard: Shard) -> int | None:
    if shard.kind == "articles":
        return sum(1 for f in shard.files if not shard.is_notice(f))
    if shard.kind == "parquet":
        import pyarrow.parquet as pq

        try:
            return int(pq.ParquetFile(shard.path).metadata.num_rows)
        except (OSError, ValueError):
            return None
    if shard.kind in ("jsonl", "csv") and shard.path.suffix.lower() not in COMPRESSED_SUFFIXES:
        lines, last = 0, b"\n"
        try:
            with shard.path.open("rb") as f:
                while chunk := f.read(1 << 24):
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
        except OSError:
            return None
        lines += last != b"\n"
        return max(0, lines - (shard.kind == "csv"))  # a CSV's first line names the columns
    return None


def _requalify(doc: Document, label: str) -> Document:
    return Document(
        id=f"{label}#{doc.id}",
        text=doc.text,
        title=doc.title,
        url=doc.url,
        published=doc.published,
        source=doc.source,
    )


def _read_shard(
    shard: Shard,
    fields: Fields,
    max_bytes: int,
    taken: Callable[[str], bool],
    bulk: Callable[[str, str, int], None],
    workers: int,
) -> Iterator[Item]:
    p, name = shard.path, shard.name
    if shard.kind == "articles":
        return _read_articles(shard, max_bytes)
    if shard.kind == "jsonl":
        return read_jsonl(p, name, fields, max_bytes)
    if shard.kind == "parquet":
        return read_parquet(p, name, fields, max_bytes)
    if shard.kind == "csv":
        return read_csv(p, name, fields, max_bytes)
    if shard.kind == "warc":
        return read_warc(p, name, max_bytes, taken=taken, on_count=bulk, workers=workers)
    return iter([(name, "not a collection file (no reader takes this extension)")])


def _read_articles(shard: Shard, max_bytes: int) -> Iterator[Item]:
    for f in shard.files:
        rel = f.relative_to(shard.path).as_posix()
        if shard.is_notice(f):
            yield rel, NOTICE_REASON
            continue
        try:
            yield parse_bytes(read_bytes(f, rel, max_bytes), rel, id=rel, path=f)
        except ReadError as e:
            yield rel, e.reason


__all__ = ["Fields", "OnSkip", "SkipLog", "read_corpus"]

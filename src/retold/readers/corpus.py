"""Read a collection of articles as a stream of Documents.

A collection is a folder of article files (recursive; ``.txt``, ``.md``, ``.html``; id = relative
POSIX path), a JSONL file (``.jsonl``, ``.jsonl.gz``), a Parquet file or a folder of them, or a
CSV/TSV file. Records that cannot be used are skipped, never fatal: each skip is reported to
``on_skip(location, reason)``, e.g. a :class:`SkipLog`. A problem with the whole collection (a
missing column, a path that does not exist) raises :class:`~retold.errors.InputError`.

Nothing is loaded whole: JSONL and CSV are read line by line, Parquet batch by batch.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from retold.documents import Document
from retold.errors import InputError
from retold.normalize import normalize_text
from retold.readers.dates import normalize_published
from retold.readers.decode import decode_bytes
from retold.readers.files import (
    DEFAULT_MAX_BYTES,
    HTML_SUFFIXES,
    MARKDOWN_SUFFIXES,
    TEXT_SUFFIXES,
    ReadError,
    check_text,
    parse_bytes,
    read_bytes,
)

log = logging.getLogger("retold.readers")

OnSkip = Callable[[str, str], None]
ARTICLE_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
BATCH_ROWS = 1024


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

    def __call__(self, location: str, reason: str) -> None:
        self.counts[reason] += 1
        if len(self.examples) < self.max_examples:
            self.examples.append((location, reason))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """One line for humans; empty string when nothing was skipped."""
        if not self.total:
            return ""
        parts = ", ".join(f"{n} {reason}" for reason, n in self.counts.most_common())
        examples = "; ".join(f"{loc}: {reason}" for loc, reason in self.examples)
        return f"skipped {self.total}: {parts} (e.g. {examples})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_reason": dict(self.counts.most_common()),
            "examples": [{"location": loc, "reason": r} for loc, r in self.examples],
        }


@dataclass(frozen=True, slots=True)
class Fields:
    """Which column or key holds each Document field."""

    id: str = "id"
    text: str = "text"
    title: str = "title"
    url: str = "url"
    published: str = "published"
    source: str = "source"

    def __post_init__(self) -> None:
        for name in ("id", "text", "title", "url", "published", "source"):
            if not getattr(self, name):
                raise InputError(f"the {name} field name must not be empty")
        if self.id == self.text:
            raise InputError("the id field and the text field must be different columns")


def _log_skip(location: str, reason: str) -> None:
    log.warning("skipped %s: %s", location, reason)


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
) -> Iterator[Document]:
    """Stream the documents of a collection, skipping bad records (duplicate ids keep the first).

    Args:
        path: A folder, ``.jsonl``/``.jsonl.gz``, ``.parquet`` (or a folder of them), ``.csv``,
            ``.tsv``.
        on_skip: Called as ``on_skip(location, reason)`` for each skipped record; without it,
            skips are logged as warnings on the ``retold.readers`` logger.
        id_field: Column or key holding the id (records only; folders use the path).
        text_field: Column or key holding the article text.
        title_field: Column or key holding the title (optional).
        url_field: Column or key holding the URL (optional).
        published_field: Column or key holding the publication date, normalised to ISO 8601.
        source_field: Column or key holding the publisher (optional).
        max_bytes: Largest file (folders) or text (records) accepted.

    Raises:
        InputError: The path does not exist, is not a collection, or lacks the id/text column.

    Example:
        >>> skips = SkipLog()
        >>> docs = list(read_corpus("src/retold/data/demo/corpus.jsonl", on_skip=skips))
        >>> len(docs), docs[0].id, docs[0].published, skips.total
        (40, 'n01', '2025-03-02', 0)
    """
    fields = Fields(id_field, text_field, title_field, url_field, published_field, source_field)
    skip = on_skip if on_skip is not None else _log_skip
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError(f"no such file or folder: {name}")
    records: Iterator[Document | tuple[str, str]]
    lower = p.name.lower()
    if p.is_dir():
        parquet = _parquet_files(p)
        records = (
            _read_parquet(parquet, p, fields, max_bytes)
            if parquet and not _has_articles(p)
            else _read_folder(p, max_bytes)
        )
    elif lower.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json")):
        records = _read_jsonl(p, name, fields, max_bytes)
    elif p.suffix.lower() in PARQUET_SUFFIXES:
        records = _read_parquet([p], p.parent, fields, max_bytes)
    elif lower.endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz")):
        records = _read_csv(p, name, fields, max_bytes)
    else:
        raise InputError(
            f"{name} is not a collection: pass a folder of articles, or a .jsonl, .parquet or"
            " .csv file (use `retold compare` for single articles)"
        )
    seen: set[str] = set()
    for item in records:
        if isinstance(item, tuple):
            skip(*item)
        elif item.id in seen:
            skip(item.id, "duplicate id")
        else:
            seen.add(item.id)
            yield item


# --- folders of article files ------------------------------------------------------------


def _visible_files(root: Path) -> Iterator[Path]:
    """Files under root, hidden files and folders left out, in a stable sorted order."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith("."):
                yield Path(dirpath) / f


def _has_articles(root: Path) -> bool:
    return any(f.suffix.lower() in ARTICLE_SUFFIXES for f in _visible_files(root))


def _parquet_files(root: Path) -> list[Path]:
    return sorted(
        (f for f in _visible_files(root) if f.suffix.lower() in PARQUET_SUFFIXES),
        key=lambda f: f.relative_to(root).as_posix(),
    )


def _read_folder(root: Path, max_bytes: int) -> Iterator[Document | tuple[str, str]]:
    files = sorted(
        (f for f in _visible_files(root) if f.suffix.lower() in ARTICLE_SUFFIXES),
        key=lambda f: f.relative_to(root).as_posix(),
    )
    if not files:
        raise InputError(
            f"{root} has no .txt, .md or .html files; pass a folder of articles, or a .jsonl,"
            " .parquet or .csv file"
        )
    for f in files:
        rel = f.relative_to(root).as_posix()
        try:
            yield parse_bytes(read_bytes(f, rel, max_bytes), rel, id=rel, path=f)
        except ReadError as e:
            yield rel, e.reason


# --- records (JSONL, Parquet, CSV) -------------------------------------------------------


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas-written files
        return None
    text = " ".join(normalize_text(str(value)).split())
    return text or None


def _record(
    row: Mapping[str, Any], location: str, fields: Fields, max_bytes: int
) -> Document | tuple[str, str]:
    """One record to a Document, or ``(location, reason)`` when it must be skipped."""
    raw_id = row.get(fields.id)
    # ids are kept exactly as given: reports and clusters must point back to the source rows
    doc_id = (
        None if raw_id is None or (isinstance(raw_id, float) and raw_id != raw_id) else str(raw_id)
    )
    if doc_id is None or not doc_id.strip():
        return location, "missing id"
    text = row.get(fields.text)
    if text is None or (isinstance(text, float) and text != text):
        return doc_id, "missing text"
    if isinstance(text, bytes):
        try:
            text, _ = decode_bytes(text, doc_id)
        except InputError as e:
            return doc_id, "binary" if "looks binary" in str(e) else "undecodable"
    elif not isinstance(text, str):
        return doc_id, "text is not a string"
    if len(text) > max_bytes:
        return doc_id, "too large"
    if "\x00" in text:
        return doc_id, "binary"
    try:
        clean = check_text(text, doc_id)
    except ReadError as e:
        return doc_id, e.reason
    published = row.get(fields.published)
    return Document(
        id=doc_id,
        text=clean,
        title=_str_or_none(row.get(fields.title)),
        url=_str_or_none(row.get(fields.url)),
        published=normalize_published(published),
        source=_str_or_none(row.get(fields.source)),
    )


def _missing_columns(name: str, columns: Iterable[str], fields: Fields, kind: str) -> None:
    present = list(columns)
    for label, col, option in (
        ("id", fields.id, "--id-field"),
        ("text", fields.text, "--text-field"),
    ):
        if col not in present:
            shown = ", ".join(present[:20]) + (", ..." if len(present) > 20 else "")
            raise InputError(
                f"{name} has no '{col}' {kind}; its {kind}s are: {shown or '(none)'};"
                f" pass {option} NAME to say which holds the {label}"
            )


def _open_binary(p: Path) -> IO[bytes]:
    if p.name.lower().endswith(".gz"):
        return gzip.GzipFile(p, "rb")  # type: ignore[return-value]
    return p.open("rb")


def _read_jsonl(
    p: Path, name: str, fields: Fields, max_bytes: int
) -> Iterator[Document | tuple[str, str]]:
    checked = False
    any_line = False
    with _open_binary(p) as f:
        try:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                any_line = True
                location = f"{name} line {n}"
                try:
                    obj = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    if not checked and line.lstrip().startswith(b"["):
                        raise InputError(
                            f"{name} holds a JSON array, not JSON Lines; convert it with"
                            f" jq -c '.[]' {name} > {p.stem}.jsonl"
                        ) from None
                    yield location, "malformed JSON"
                    continue
                if not checked and line.lstrip().startswith(b"["):
                    raise InputError(
                        f"{name} holds a JSON array, not JSON Lines; convert it with"
                        f" jq -c '.[]' {name} > {p.stem}.jsonl"
                    )
                if not isinstance(obj, dict):
                    yield location, "not a JSON object"
                    continue
                if not checked:
                    # the first record stands for the file: a wrong field name fails loudly
                    _missing_columns(name, obj.keys(), fields, "field")
                    checked = True
                yield _record(obj, location, fields, max_bytes)
        except (OSError, EOFError) as e:
            raise InputError(f"{name} is damaged or not gzip data ({e}); re-create it") from None
    if not any_line:
        raise InputError(f"{name} is empty")


def _read_parquet(
    files: list[Path], root: Path, fields: Fields, max_bytes: int
) -> Iterator[Document | tuple[str, str]]:
    import pyarrow.parquet as pq

    wanted = (fields.id, fields.text, fields.title, fields.url, fields.published, fields.source)
    for path in files:
        name = str(path)
        try:
            pf = pq.ParquetFile(path)
        except Exception as e:  # pyarrow raises several types for damaged files
            raise InputError(f"{name} is not a readable Parquet file ({e}); re-create it") from None
        columns = pf.schema_arrow.names
        _missing_columns(name, columns, fields, "column")
        present = [c for c in dict.fromkeys(wanted) if c in columns]
        row = 0
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=present):
            for rec in batch.to_pylist():
                row += 1
                yield _record(rec, f"{name} row {row}", fields, max_bytes)


def _csv_encoding(p: Path, name: str) -> str:
    with _open_binary(p) as f:
        sample = f.read(1_000_000)
    try:
        sample.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as e:
        # a multi-byte character cut by the sample's end is still UTF-8
        if e.start >= len(sample) - 3 and e.reason == "unexpected end of data":
            return "utf-8-sig"
    _, info = decode_bytes(sample, name)
    return info.encoding


def _read_csv(
    p: Path, name: str, fields: Fields, max_bytes: int
) -> Iterator[Document | tuple[str, str]]:
    encoding = _csv_encoding(p, name)
    delimiter = "\t" if ".tsv" in p.name.lower() else ","
    csv.field_size_limit(max(max_bytes, 1 << 20))
    with _open_binary(p) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.DictReader(text, delimiter=delimiter)
        try:
            header = reader.fieldnames
            if header is None:
                raise InputError(f"{name} is empty")
            _missing_columns(name, header, fields, "column")
            for rec in reader:
                yield _record(rec, f"{name} line {reader.line_num}", fields, max_bytes)
        except UnicodeDecodeError:
            raise InputError(
                f"{name} is not valid {encoding} past line {reader.line_num};"
                " convert it with iconv -f ENCODING -t UTF-8"
            ) from None
        except csv.Error as e:
            raise InputError(f"{name} line {reader.line_num} is not valid CSV ({e})") from None


__all__ = ["Fields", "OnSkip", "SkipLog", "read_corpus"]

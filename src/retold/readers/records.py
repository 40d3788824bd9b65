"""Records of JSONL, Parquet and CSV files to Documents, with configurable column names.

Each reader yields a :class:`~retold.documents.Document` per usable record and a
``(location, reason)`` tuple per record that must be skipped; a problem with the whole file (a
missing column, a damaged file) raises :class:`~retold.errors.InputError`. JSONL and CSV are
read line by line (plain, ``.gz``, ``.bz2``, ``.xz`` or ``.zst``), Parquet batch by batch.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from retold.documents import Document
from retold.errors import InputError
from retold.normalize import normalize_text
from retold.readers.dates import normalize_published
from retold.readers.decode import decode_bytes
from retold.readers.files import ReadError, check_text

BATCH_ROWS = 1024
Item = Document | tuple[str, str]


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


COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst", ".zstd")


def open_binary(p: Path) -> IO[bytes]:
    """A file opened for reading, decompressed on the fly by its last suffix."""
    lower = p.name.lower()
    if lower.endswith(".gz"):
        return gzip.GzipFile(p, "rb")  # type: ignore[return-value]
    if lower.endswith(".bz2"):
        return bz2.BZ2File(p, "rb")
    if lower.endswith(".xz"):
        return lzma.LZMAFile(p, "rb")
    if lower.endswith((".zst", ".zstd")):
        import pyarrow as pa

        # pyarrow (a core dependency) carries zstd, so .zst dumps need no extra package
        return io.BufferedReader(pa.input_stream(str(p), compression="zstd"))
    return p.open("rb")


def read_jsonl(p: Path, name: str, fields: Fields, max_bytes: int) -> Iterator[Item]:
    checked = False
    any_line = False
    with open_binary(p) as f:
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


def read_parquet(p: Path, name: str, fields: Fields, max_bytes: int) -> Iterator[Item]:
    import pyarrow.parquet as pq

    wanted = (fields.id, fields.text, fields.title, fields.url, fields.published, fields.source)
    try:
        pf = pq.ParquetFile(p)
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
    with open_binary(p) as f:
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


def read_csv(p: Path, name: str, fields: Fields, max_bytes: int) -> Iterator[Item]:
    encoding = _csv_encoding(p, name)
    delimiter = "\t" if ".tsv" in p.name.lower() else ","
    csv.field_size_limit(max(max_bytes, 1 << 20))
    with open_binary(p) as raw:
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


__all__ = ["BATCH_ROWS", "Fields", "Item", "read_csv", "read_jsonl", "read_parquet"]

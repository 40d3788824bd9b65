"""Readers: one article (file, text, stdin) or a collection (folder, JSONL, Parquet, CSV, WARC).

Example:
    >>> from retold.readers import read_text
    >>> read_text("The storm hit the coast.").text
    'The storm hit the coast.'
"""

from __future__ import annotations

from retold.readers.corpus import SkipLog, count_documents, read_corpus
from retold.readers.decode import DecodeInfo, decode_bytes
from retold.readers.files import ReadError, read_document, read_source, read_text
from retold.readers.shards import is_collection

__all__ = [
    "DecodeInfo",
    "ReadError",
    "SkipLog",
    "count_documents",
    "decode_bytes",
    "is_collection",
    "read_corpus",
    "read_document",
    "read_source",
    "read_text",
]

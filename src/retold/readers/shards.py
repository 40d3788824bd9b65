"""What a collection path stands for: a folder of articles, one file, or many shards.

A folder or a glob of shard files (``crawl/*.warc.gz``, ``dump/*.jsonl.zst``,
``part-*.parquet``) is one collection, read shard by shard in sorted path order. README,
LICENSE and similar files describe a collection rather than belong to it: inside a folder of
articles they are skipped with a warning (so a data set's ``README.TXT`` is not read as an
article), and they never make a folder of shards look like a folder of articles.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from retold.errors import InputError
from retold.readers.files import HTML_SUFFIXES, MARKDOWN_SUFFIXES, TEXT_SUFFIXES
from retold.readers.records import COMPRESSED_SUFFIXES
from retold.readers.warc import is_warc

Kind = Literal["articles", "jsonl", "parquet", "csv", "warc", "other"]
ARTICLE_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES
PARQUET_SUFFIXES = (".parquet", ".pq")
# .json is read when named on its own, but inside a folder it is more often metadata
# (dataset_info.json) than a shard
_JSONL_SHARD = (".jsonl", ".ndjson")
_CSV = (".csv", ".tsv")
_GLOB_CHARS = frozenset("*?[")
NOTICE_STEMS = frozenset(
    {"readme", "license", "licence", "copying", "notice", "authors", "changelog", "changes"}
)
NOTICE_REASON = "not an article (README, LICENSE or similar)"
COLLECTION_HINT = (
    "pass a folder of articles or shards, a .jsonl, .parquet, .csv or .warc.gz file, or a quoted"
    " glob of them"
)


def is_notice_file(path: Path) -> bool:
    """True for README, LICENSE and similar files, whatever their case and extension.

    Example:
        >>> is_notice_file(Path("bbc/README.TXT")), is_notice_file(Path("tech/readme-2.txt"))
        (True, False)
    """
    return path.name.split(".", 1)[0].lower() in NOTICE_STEMS


@dataclass(frozen=True, slots=True)
class Shard:
    """One unit of reading.

    Attributes:
        kind: How to read it; ``other`` is a file a glob matched that no reader takes.
        path: The file, or for ``articles`` the folder ids are relative to.
        label: The path inside the collection, used to make ids unique across shards.
        files: For ``articles``, the article files in reading order.
    """

    kind: Kind
    path: Path
    label: str
    files: tuple[Path, ...] = field(default=())

    @property
    def name(self) -> str:
        return str(self.path)

    @staticmethod
    def is_notice(path: Path) -> bool:
        return is_notice_file(path)


def file_kind(path: Path, *, in_folder: bool = False) -> Kind:
    """The reader a file needs, by its name (compression suffixes looked through).

    Example:
        >>> file_kind(Path("dump/part-0001.jsonl.zst")), file_kind(Path("CC-NEWS.warc.gz"))
        ('jsonl', 'warc')
    """
    if is_warc(path):
        return "warc"
    lower = path.name.lower()
    for suffix in COMPRESSED_SUFFIXES:
        if lower.endswith(suffix):
            lower = lower[: -len(suffix)]
            break
    if lower.endswith(_JSONL_SHARD) or (not in_folder and lower.endswith(".json")):
        return "jsonl"
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(_CSV):
        return "csv"
    if path.suffix.lower() in ARTICLE_SUFFIXES:
        return "articles"
    return "other"


def is_collection(path: str | os.PathLike[str]) -> bool:
    """Whether a command-line path names a collection rather than one article file.

    Example:
        >>> is_collection("crawl/*.warc.gz"), is_collection("story.txt")
        (True, False)
    """
    p = Path(path)
    if p.is_dir() or (not p.exists() and _GLOB_CHARS & set(str(path))):
        return True
    return file_kind(p) not in ("articles", "other")


def _visible_files(root: Path) -> Iterator[Path]:
    """Files under root, hidden files and folders left out, in a stable sorted order."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith("."):
                yield Path(dirpath) / f


def _rel(f: Path, root: Path) -> str:
    return f.relative_to(root).as_posix()


def _folder(root: Path) -> list[Shard]:
    files = sorted(_visible_files(root), key=lambda f: _rel(f, root))
    kinds = [(f, file_kind(f, in_folder=True)) for f in files]
    articles = [f for f, k in kinds if k == "articles"]
    if any(not is_notice_file(f) for f in articles):
        return [Shard("articles", root, root.as_posix(), tuple(articles))]
    shards = [Shard(k, f, _rel(f, root)) for f, k in kinds if k not in ("articles", "other")]
    if not shards:
        raise InputError(
            f"{root} has no .txt, .md or .html articles and no .jsonl, .parquet, .csv or .warc.gz"
            " shards; point at the folder that holds them"
        )
    return shards


def _glob_root(pattern: str) -> Path:
    """The folder above the first wildcard: ids of matched article files are relative to it."""
    parts = Path(pattern).parts
    fixed = [p for p in parts[: next(i for i, p in enumerate(parts) if _GLOB_CHARS & set(p))]]
    return Path(*fixed) if fixed else Path(".")


def _glob(pattern: str) -> list[Shard]:
    matches = sorted(Path(m) for m in glob.glob(pattern, recursive=True) if Path(m).is_file())
    if not matches:
        raise InputError(f"no files match {pattern}; check the pattern, or {COLLECTION_HINT}")
    root = _glob_root(pattern)
    articles = tuple(f for f in matches if file_kind(f) == "articles")
    shards = [Shard("articles", root, root.as_posix(), articles)] if articles else []
    for f in matches:
        kind = file_kind(f)
        if kind != "articles":
            shards.append(Shard(kind, f, _rel(f, root) if f.is_relative_to(root) else str(f)))
    return shards


def find_shards(path: str | os.PathLike[str]) -> list[Shard]:
    """The shards of a collection path, in reading order.

    Raises:
        InputError: Nothing exists there, nothing matches the glob, or it is one article file.
    """
    p = Path(path)
    name = str(path)
    if not p.exists():
        if _GLOB_CHARS & set(name):
            return _glob(name)
        raise InputError(f"no such file or folder: {name}")
    if p.is_dir():
        return _folder(p)
    kind = file_kind(p)
    if kind in ("articles", "other"):
        raise InputError(
            f"{name} is not a collection: {COLLECTION_HINT} (use `retold compare` for single"
            " articles)"
        )
    return [Shard(kind, p, p.name)]


__all__ = [
    "NOTICE_REASON",
    "Shard",
    "file_kind",
    "find_shards",
    "is_collection",
    "is_notice_file",
]

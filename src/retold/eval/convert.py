"""Turn standard data sets into gold pairs: one entry point over every reader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from retold.errors import ConfigError
from retold.eval.csvpairs import read_csv_pairs
from retold.eval.msrp import read_msrp
from retold.eval.pairs import GoldPair, iter_pairs
from retold.eval.pan import read_pan
from retold.eval.stsb import read_stsb

FORMATS = ("jsonl", "msrp", "stsb", "pan", "csv", "tsv")


def guess_format(path: str | Path) -> str:
    """The reader for a path: a folder is PAN, ``.csv``/``.tsv`` are pairs CSV/TSV, else JSONL.

    MSRP and STS files must be named with ``--from`` (their extensions say nothing).
    """
    p = Path(path)
    if p.is_dir():
        return "pan"
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".tsv":
        return "tsv"
    return "jsonl"


def read_any(
    path: str | Path, fmt: str | None = None, genre: str | None = None
) -> Iterator[GoldPair]:
    """Gold pairs from ``path`` read as ``fmt`` (guessed when None).

    Raises:
        ConfigError: for an unknown format, or ``genre`` with a format other than stsb.
        InputError: from the reader, for unreadable data.
    """
    fmt = fmt or guess_format(path)
    if genre is not None and fmt != "stsb":
        raise ConfigError("--genre applies to STS benchmark files only (use --from stsb)")
    if fmt == "jsonl":
        return iter_pairs(path)
    if fmt == "msrp":
        return read_msrp(path)
    if fmt == "stsb":
        return read_stsb(path, genre=genre)
    if fmt == "pan":
        return read_pan(path)
    if fmt == "csv":
        return read_csv_pairs(path)
    if fmt == "tsv":
        return read_csv_pairs(path, delimiter="\t")
    raise ConfigError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")

"""Option decorators shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from retold.models import MODEL_NAMES

F = TypeVar("F", bound=Callable[..., Any])


def model_option(f: F) -> F:
    """``--model fast|accurate``."""
    return click.option(
        "--model",
        type=click.Choice(MODEL_NAMES),
        default="fast",
        show_default=True,
        help="Embedding model: fast (wordllama) or accurate (all-MiniLM-L6-v2, extra 'accurate').",
    )(f)


def quiet_option(f: F) -> F:
    """``--quiet``: no progress bars or summaries on stderr."""
    return click.option("-q", "--quiet", is_flag=True, help="No progress bars or summaries.")(f)


def corpus_field_options(f: F) -> F:
    """``--id-field`` and ``--text-field``: which column or key of a JSONL/Parquet/CSV holds what.

    Pass them on to ``retold.readers.read_corpus(path, id_field=..., text_field=...)``.
    """
    f = click.option(
        "--text-field",
        default="text",
        show_default=True,
        metavar="NAME",
        help="Column or JSON key holding the article text.",
    )(f)
    return click.option(
        "--id-field",
        default="id",
        show_default=True,
        metavar="NAME",
        help="Column or JSON key holding the document id (folders use the file path).",
    )(f)


def max_bytes_option(f: F) -> F:
    """``--max-bytes``: the largest article file accepted."""
    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=20_000_000,
        show_default=True,
        help="Refuse article files larger than this many bytes.",
    )(f)

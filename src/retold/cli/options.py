"""Option decorators shared by several commands."""

from __future__ import annotations

import functools
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
        help="Embedding model: fast (wordllama) or accurate (MiniLM on ONNX, extra 'accurate').",
    )(f)


def quiet_option(f: F) -> F:
    """``--quiet``: no progress bars or summaries on stderr."""
    return click.option("-q", "--quiet", is_flag=True, help="No progress bars or summaries.")(f)


# (option, read_corpus keyword, default, what the column holds)
CORPUS_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("--id-field", "id_field", "id", "the document id (folders use the file path)"),
    ("--text-field", "text_field", "text", "the article text"),
    ("--title-field", "title_field", "title", "the headline"),
    ("--url-field", "url_field", "url", "the article's URL"),
    ("--date-field", "published_field", "published", "the publication date"),
    ("--source-field", "source_field", "source", "the publisher"),
)

DEFAULT_MAX_BYTES = 20_000_000
# what read_corpus gets when no corpus option is given
DEFAULT_READ_OPTIONS: dict[str, Any] = {
    **{key: default for _, key, default, _ in CORPUS_FIELDS},
    "max_bytes": DEFAULT_MAX_BYTES,
}


def corpus_options(f: F) -> F:
    """Column mapping (``--id-field`` ... ``--source-field``) and ``--max-bytes`` for a corpus.

    The command receives them as one keyword, ``read_options``: a dict to pass on as
    ``retold.readers.read_corpus(path, **read_options)``.
    """

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        read_options = {key: kwargs.pop(key) for _, key, _, _ in CORPUS_FIELDS}
        read_options["max_bytes"] = kwargs.pop("max_bytes")
        return f(*args, read_options=read_options, **kwargs)

    decorated: Any = max_bytes_option(wrapper)
    for option, key, default, what in reversed(CORPUS_FIELDS):
        decorated = click.option(
            option,
            key,
            default=default,
            show_default=True,
            metavar="NAME",
            help=f"JSONL key or Parquet/CSV column holding {what}.",
        )(decorated)
    return decorated


def max_bytes_option(f: F) -> F:
    """``--max-bytes``: the largest article file, record text or WARC record accepted."""
    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_BYTES,
        show_default=True,
        help="Refuse (or, in a collection, skip) articles larger than this many bytes.",
    )(f)

"""``retold eval``: verdict, alignment and similarity quality on gold pairs."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import click

from retold.cli.options import model_option, quiet_option
from retold.errors import ConfigError


@click.command("eval")
@click.argument("data", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "fmt",
    type=click.Choice(["jsonl", "msrp", "stsb", "pan", "csv", "tsv"]),
    default=None,
    help="Format of DATA: a pairs JSONL (default), MSRP TSV, STS benchmark, a PAN folder "
    "(guessed for folders) or a pairs CSV/TSV (guessed from .csv/.tsv).",
)
@click.option("--genre", default=None, help="STS only: keep rows of this genre, e.g. main-news.")
@click.option(
    "--to-pairs",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write DATA as a pairs JSONL file and stop (no evaluation).",
)
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report as text or as one JSON object.",
)
@model_option
@click.option(
    "--threshold-report",
    is_flag=True,
    help="Also show how reuse F1 moves when one score is cut at 0.00, 0.05, ... 1.00.",
)
@click.option(
    "--threshold-score",
    type=click.Choice(["similarity", "coverage"]),
    default="similarity",
    show_default=True,
    help="The score the threshold report cuts.",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Use the first N pairs.")
@quiet_option
def command(
    data: Path,
    fmt: str | None,
    genre: str | None,
    to_pairs: Path | None,
    out_format: str,
    model: str,
    threshold_report: bool,
    threshold_score: str,
    limit: int | None,
    quiet: bool,
) -> None:
    """Measure retold on gold pairs: verdicts, reuse P/R/F1, alignment, similarity.

    DATA is a pairs JSONL file (one object a line: id, a, b and a gold label, reuse or score;
    optional a_sentences, b_sentences and alignment), or standard data read with --from.
    Alignment is scored over the sentence pairs each gold link implies (a k:l link gives k*l
    pairs). Graded data (STS) reports the Spearman correlation of retold's sentence similarity;
    PAN folders report PlagDet.

    \b
    Example:
      retold eval pairs.jsonl
      retold eval msr_paraphrase_train.txt --from msrp --threshold-report
      retold eval sts-dev.csv --from stsb --genre main-news --model accurate
      retold eval pan-corpus/ --from pan --format json
      retold eval sts-dev.csv --from stsb --to-pairs sts-dev.jsonl
    """
    from retold.eval.convert import read_any
    from retold.eval.pairs import write_pairs

    pairs_iter = read_any(data, fmt, genre)
    if limit is not None:
        pairs_iter = itertools.islice(pairs_iter, limit)
    pairs = list(pairs_iter)
    if not pairs:
        raise ConfigError(f"{data} holds no pairs" + (f" of genre {genre!r}" if genre else ""))
    if to_pairs is not None:
        n = write_pairs(pairs, to_pairs)
        if not quiet:
            click.echo(f"wrote {n} pairs to {to_pairs}", err=True)
        return

    from retold.eval.runner import run_pairs
    from retold.eval.threshold import threshold_report as make_threshold_report

    if quiet:
        report = run_pairs(pairs, model)
    else:
        with click.progressbar(
            length=len(pairs),
            label=f"comparing ({model})",
            show_eta=True,
            show_pos=True,
            file=sys.stderr,
        ) as bar:
            report = run_pairs(pairs, model, progress=bar.update)
    thresholds = (
        make_threshold_report(report.results, threshold_score) if threshold_report else None
    )
    if out_format == "json":
        out: dict[str, Any] = {"data": str(data), **report.to_dict()}
        if thresholds is not None:
            out["thresholds"] = thresholds.to_dict()
        click.echo(json.dumps(out, indent=2))
        return
    from retold.eval.text import render

    click.echo(render(report, thresholds, str(data)))

"""``retold compare``: verdict, sentence alignment and changes for a pair of articles."""

from __future__ import annotations

import io
from pathlib import Path

import click

from retold.cli.options import model_option
from retold.errors import InputError

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"


@click.command("compare")
@click.argument("original", required=False)
@click.argument("rewrite", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="text for the terminal, json for machines, html for a standalone report.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output (required for --format html).",
)
@model_option
@click.option("--no-alignment", is_flag=True, help="Text format: leave out the sentence table.")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=20_000_000,
    show_default=True,
    help="Refuse input files larger than this.",
)
@click.option("--demo", is_flag=True, help="Compare the example pair that ships with retold.")
@click.option(
    "--crosslingual",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Compare as a translated copy with a multilingual model: when the two texts' "
    "languages differ (auto), for any pair (always) or never.",
)
def command(
    original: str | None,
    rewrite: str | None,
    fmt: str,
    output: Path | None,
    model: str,
    no_alignment: bool,
    max_bytes: int,
    demo: bool,
    crosslingual: str,
) -> None:
    """Compare ORIGINAL with REWRITE: verdict, coverage, direction, aligned sentences, changes.

    Files may be plain text, Markdown or HTML (boilerplate is removed); '-' reads standard input.

    \b
    Example:
      retold compare original.txt rewrite.txt
      retold compare a.html b.html --format json > pair.json
      retold compare a.txt b.txt --format html -o report.html
      retold compare --demo
      retold compare report_ru.txt story_en.txt      # a translated copy: languages detected
    """
    from retold.pair.compare import CompareConfig, Comparer
    from retold.pair.crosslingual import CrosslingualConfig
    from retold.readers import read_document, read_source

    if fmt == "html" and output is None:
        raise click.UsageError("--format html needs -o FILE")
    if demo:
        if original or rewrite:
            raise click.UsageError("--demo takes no files")
        a = read_document(DEMO_DIR / "original.txt", id="demo/original.txt")
        b = read_document(DEMO_DIR / "rewrite.txt", id="demo/rewrite.txt")
    elif not original or not rewrite:
        raise click.UsageError("give two files to compare (or --demo)")
    elif original == "-" and rewrite == "-":
        raise InputError("only one of the two articles can come from standard input")
    else:
        a = read_source(original, max_bytes=max_bytes)
        b = read_source(rewrite, max_bytes=max_bytes)
    config = CompareConfig(crosslingual=CrosslingualConfig(mode=crosslingual))
    comparison = Comparer(model, config).compare(a, b)
    if fmt == "json":
        from retold.report.json import to_json

        _emit(to_json(comparison) + "\n", output)
    elif fmt == "html":
        from retold.report.html import render_html

        _emit(render_html(comparison), output)
    else:
        from rich.console import Console

        from retold.report.terminal import render_terminal

        if output is not None:
            buffer = io.StringIO()
            console = Console(file=buffer, color_system=None, width=120)
            render_terminal(comparison, console, show_alignment=not no_alignment)
            _emit(buffer.getvalue(), output)
        else:
            render_terminal(comparison, Console(), show_alignment=not no_alignment)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"Wrote {output}", err=True)

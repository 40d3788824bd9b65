"""The ``retold`` command line: one click group whose commands load lazily (fast start-up)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from typing import Any

import click

from retold import __version__
from retold.errors import RetoldError

# command name -> module under retold.cli exposing a click command called ``command``
COMMANDS: dict[str, tuple[str, str]] = {
    "compare": ("compare", "Compare two articles: verdict, sentence alignment, changes."),
    "dedup": ("dedup", "Find every copy inside one collection and cluster them."),
    "index": ("index", "Build and grow an on-disk index of articles."),
    "find": ("find", "Find the sources of an article in an index."),
    "eval": ("eval", "Measure verdict and alignment quality on a gold pairs file."),
    "bench": ("bench", "Time the pipeline stages against MinHash anchors."),
    "serve": ("serve", "Browse copies, clusters and alignments in a local web viewer."),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return None
        module = importlib.import_module(f"retold.cli.{COMMANDS[cmd_name][0]}")
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(name: str) -> bool:
    return importlib.util.find_spec(f"retold.cli.{COMMANDS[name][0]}") is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="retold")
def cli() -> None:
    """Find rewritten copies of news articles and show how they were rewritten.

    \b
    Example:
      retold compare original.txt rewrite.txt
      retold dedup articles/ -o clusters.jsonl
    """


def main(argv: list[str] | None = None) -> Any:
    """Console entry point: RetoldError becomes one ``Error: ...`` line and a non-zero exit."""
    try:
        return cli.main(args=argv, prog_name="retold", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except RetoldError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("RETOLD_DEBUG"):
            raise
        click.echo(
            f"Error: internal error ({type(exc).__name__}: {exc}); "
            "rerun with RETOLD_DEBUG=1 for the traceback and report it",
            err=True,
        )
        sys.exit(70)

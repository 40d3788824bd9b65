"""``--engine`` and friends, and the dispatch between engines."""

from __future__ import annotations

import sys
from typing import Any

import click
import pytest
from click.testing import CliRunner

from retold.cli.engine_options import engine_options, run_engine
from retold.documents import Document
from retold.engines.local import DedupConfig
from retold.errors import ConfigError, MissingDependencyError, RetoldError


@click.command()
@engine_options
def probe(**kwargs: Any) -> None:
    try:
        run_engine(kwargs.pop("engine"), corpus="c.jsonl", config=None, output="o.jsonl", **kwargs)
    except RetoldError as err:
        raise click.ClickException(str(err)) from err


def test_options_and_defaults() -> None:
    result = CliRunner().invoke(probe, ["--help"])
    for flag in ("--engine [local|ray]", "--address", "--num-cpus", "--work-dir"):
        assert flag in result.output
    bad = CliRunner().invoke(probe, ["--engine", "spark"])
    assert bad.exit_code == 2
    assert "'spark' is not one of 'local', 'ray'" in bad.output


def test_ray_without_the_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    result = CliRunner().invoke(probe, ["--engine", "ray"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: the ray engine needs the 'ray' extra: pip install 'retold[ray]'\n"
    )
    with pytest.raises(MissingDependencyError) as err:
        run_engine("ray", corpus="c.jsonl", config=None, output="o.jsonl")
    assert err.value.exit_code == 3


def test_local_dispatch_and_unknown_engine() -> None:
    docs = [
        Document("x", "A dam burst at dawn on Monday. Water filled the valley below the town."),
        Document("y", "A dam burst at dawn on Monday. Water filled the valley below the town."),
    ]
    result = run_engine(
        "local",
        corpus="unused",
        config=DedupConfig(lexical_only=True),
        output="o.jsonl",
        documents=lambda: docs,
    )
    assert [r["source"] for r in result.records] == ["x"]
    with pytest.raises(ConfigError, match="unknown engine 'spark': choose one of local, ray"):
        run_engine("spark", corpus="c", config=None, output="o")

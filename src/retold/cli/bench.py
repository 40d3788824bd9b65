"""``retold bench``: time the pipeline stages against MinHash anchors."""

from __future__ import annotations

import json
from pathlib import Path

import click

from retold.cli.options import model_option, quiet_option
from retold.errors import ConfigError

_ANCHORS = ("datasketch", "rensa", "datatrove")
_STAGES = ("read", "segment", "minhash", "candidates", "embed", "align", "cluster")


def _sizes(value: str) -> list[int]:
    try:
        sizes = [int(v.replace("_", "").replace("k", "000")) for v in value.split(",") if v]
    except ValueError:
        raise ConfigError(f"--sizes {value!r}: give document counts like 1000,10000") from None
    if not sizes or any(s < 2 for s in sizes):
        raise ConfigError("--sizes: every size must be at least 2 documents")
    return sizes


def _names(value: str, known: tuple[str, ...], option: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"{option}: unknown {', '.join(unknown)}; choose from {', '.join(known)}")
    return names


@click.command("bench")
@click.option(
    "--corpus",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Folder or JSONL/Parquet/CSV of articles: used first, and its sentences seed the "
    "generated documents that fill each size. Default: synthetic text only.",
)
@click.option("--sizes", default="1000,10000", show_default=True, help="Corpus sizes in documents.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("bench-results"),
    show_default=True,
    help="Folder for bench.json and bench.png.",
)
@click.option(
    "--anchors",
    default=",".join(_ANCHORS),
    show_default=True,
    help="MinHash tools to run side by side (skipped when not installed; '' for none).",
)
@click.option(
    "--stages",
    default=",".join(_STAGES),
    show_default=True,
    help="retold stages to time (later stages need the earlier ones).",
)
@click.option(
    "--max-pairs",
    type=click.IntRange(min=0),
    default=2000,
    show_default=True,
    help="Most candidate pairs the align stage compares.",
)
@click.option("--seed", type=int, default=13, show_default=True, help="Generator seed.")
@click.option("--no-plot", is_flag=True, help="Skip the PNG (no matplotlib needed).")
@model_option
@quiet_option
def command(
    corpus: Path | None,
    sizes: str,
    out_dir: Path,
    anchors: str,
    stages: str,
    max_pairs: int,
    seed: int,
    no_plot: bool,
    model: str,
    quiet: bool,
) -> None:
    """Time read, segment, MinHash, candidates, embed, align and cluster at several corpus
    sizes, with peak memory, next to datasketch, rensa and datatrove MinHash on the same text.

    Prints retold/anchor time ratios (below 1: retold faster) and writes OUT/bench.json and
    OUT/bench.png. Anchors need the 'bench' extra: pip install 'retold[bench]'.

    \b
    Example:
      retold bench --sizes 1000,10000
      retold bench --corpus ../shared/eval/bbc-news --sizes 1000,10000,100000 --out bench-bbc
      retold bench --sizes 200 --anchors rensa --stages read,segment,minhash,candidates
    """
    from retold.bench.run import run_bench

    size_list = _sizes(sizes)
    anchor_list = _names(anchors, _ANCHORS, "--anchors")
    stage_list = _names(stages, _STAGES, "--stages")
    log = None if quiet else (lambda msg: click.echo(msg, err=True))
    record = run_bench(
        size_list,
        corpus=corpus,
        anchors=anchor_list,
        model=model,
        max_pairs=max_pairs,
        stages=stage_list,
        seed=seed,
        log=log,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "bench.json"
    json_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    written = [str(json_path)]
    if not no_plot:
        from retold.bench.plot import plot_record

        png = out_dir / "bench.png"
        plot_record(record, png)
        written.append(str(png))
    click.echo(_summary(record))
    if not quiet:
        click.echo(f"wrote {', '.join(written)}", err=True)


def _summary(record: dict[str, object]) -> str:
    lines = ["documents  stage/anchor         seconds   peak MB  ratio retold/anchor"]
    for size in record["sizes"]:  # type: ignore[attr-defined]
        n = size["documents"]
        for st in size["stages"]:
            lines.append(f"{n:>9}  {st['stage']:<18} {st['seconds']:9.3f} {st['peak_rss_mb']:9.0f}")
        for a in size["anchors"]:
            if "skipped" in a:
                lines.append(f"{n:>9}  {a['anchor']:<18} skipped ({a['skipped']})")
                continue
            ratio = size["ratios"].get(a["anchor"])
            shown = f"{ratio:.2f}" if ratio is not None else "-"
            lines.append(
                f"{n:>9}  {a['anchor']:<18} {a['seconds']:9.3f} {a['peak_rss_mb']:9.0f}  {shown}"
            )
    return "\n".join(lines)

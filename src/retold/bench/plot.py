"""A PNG of time and peak memory against corpus size, from a bench record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from retold.errors import MissingDependencyError


def plot_record(record: dict[str, Any], path: Path) -> None:
    """Two log-log panels: seconds per stage/anchor and peak RSS, each against documents.

    Raises:
        MissingDependencyError: when matplotlib (extra ``bench``) is not installed.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingDependencyError("the bench plot", "bench") from exc
    sizes = record["sizes"]
    xs = [s["documents"] for s in sizes]
    series: dict[str, tuple[list[float], list[float]]] = {}
    for s in sizes:
        for st in s["stages"]:
            series.setdefault(f"retold {st['stage']}", ([], []))
        for a in s["anchors"]:
            if "skipped" not in a:
                series.setdefault(a["anchor"], ([], []))
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(11, 4.5))
    for name in series:
        pts_t, pts_m = [], []
        for x, s in zip(xs, sizes, strict=True):
            row = None
            if name.startswith("retold "):
                row = next((st for st in s["stages"] if f"retold {st['stage']}" == name), None)
            else:
                row = next((a for a in s["anchors"] if a["anchor"] == name), None)
            if row is not None and "seconds" in row:
                pts_t.append((x, max(row["seconds"], 1e-4)))
                pts_m.append((x, row["peak_rss_mb"]))
        style = "-o" if name.startswith("retold") else "--s"
        if pts_t:
            ax_t.plot(*zip(*pts_t, strict=True), style, label=name)
            ax_m.plot(*zip(*pts_m, strict=True), style, label=name)
    for ax, label in ((ax_t, "seconds"), (ax_m, "peak RSS (MB)")):
        ax.set_xscale("log")
        ax.set_xlabel("documents")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
    ax_t.set_yscale("log")
    ax_t.legend(fontsize=7)
    fig.suptitle(f"retold bench ({record.get('corpus', '')}, model {record.get('model', '')})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)

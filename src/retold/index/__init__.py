"""The on-disk index: incremental ``add`` and fast ``find`` (see ``store`` and ``find``)."""

from __future__ import annotations

from retold.index.find import Match, find_sources
from retold.index.store import AddReport, IndexConfig, IndexStore

__all__ = ["AddReport", "IndexConfig", "IndexStore", "Match", "find_sources"]

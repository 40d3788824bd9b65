"""Fixtures of the viewer tests: the collection of viewer_data as files, clusters and a store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from viewer_data import DOCUMENTS, cluster_lines

from retold.viewer.store import Cluster, MemoryStore, read_clusters


@pytest.fixture
def clusters_file(tmp_path: Path) -> Path:
    path = tmp_path / "clusters.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cluster_lines()), encoding="utf-8")
    return path


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(d.to_dict()) + "\n" for d in DOCUMENTS), encoding="utf-8")
    return path


@pytest.fixture
def clusters(clusters_file: Path) -> list[Cluster]:
    return read_clusters(clusters_file)


@pytest.fixture
def store(clusters: list[Cluster]) -> MemoryStore:
    return MemoryStore(DOCUMENTS, clusters, description="test collection")

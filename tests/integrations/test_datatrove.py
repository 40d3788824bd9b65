"""The datatrove step inside a real datatrove pipeline (LocalPipelineExecutor)."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from retold.errors import ConfigError

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("datatrove") is None,
    reason="needs the datatrove extra: pip install 'retold[datatrove]'",
)

SOURCE = (
    "A passenger ferry carrying 412 people ran aground on a sandbank off the island of"
    " Holmsund early on Saturday, the coastguard said. All passengers were brought ashore by"
    " lifeboats before noon, and nobody was hurt.\n\n"
    "The Nordlys Star had left the port of Vesterby at 5:40 a.m. in dense fog. Its operator,"
    " Baltic Arc Lines, said the captain had reported a fault in the steering system minutes"
    " before the ship struck the bank.\n\n"
    "Divers will inspect the hull on Monday, and the company has cancelled all sailings to the"
    " island until the ship can be towed free."
)
# the same story, reworded sentence by sentence
REWRITE = (
    "Early on Saturday a ferry with 412 people on board became stuck on a sandbank near"
    " Holmsund island, according to the coastguard. Lifeboats took every passenger ashore by"
    " midday, and no one was injured.\n\n"
    "In thick fog, the Nordlys Star departed Vesterby harbour at 5:40 a.m. Baltic Arc Lines,"
    " which runs the vessel, said its captain reported a steering fault shortly before the"
    " ferry hit the bank.\n\n"
    "The firm has called off every crossing to the island until the vessel is towed off, and"
    " divers are to examine its hull on Monday."
)
OTHER = (
    "The town library in Tarnholm will keep one reading room open until midnight from March,"
    " the council said on Thursday. Volunteers from the local reading club offered to staff the"
    " late shifts.\n\n"
    "The council will pay for the heating and for two extra security guards, at a cost of"
    " about 18,000 euros a year."
)


def rows() -> list[dict[str, Any]]:
    return [
        {"id": "gazette/1", "text": SOURCE, "metadata": {"date": "2025-03-01", "title": "Ferry"}},
        {"id": "farm/9", "text": REWRITE, "metadata": {"date": "2025-03-02"}},
        {"id": "farm/10", "text": SOURCE, "metadata": {"date": "2025-03-03"}},
        {"id": "gazette/2", "text": OTHER, "metadata": {"date": "2025-03-01"}},
        {"id": "empty", "text": "1234 5678", "metadata": {}},
    ]


def run_pipeline(tmp_path: Path, **step: Any) -> list[dict[str, Any]]:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from retold.integrations.datatrove import RetoldDedup

    data = tmp_path / "news"
    data.mkdir()
    with gzip.open(data / "part-0.jsonl.gz", "wt", encoding="utf-8") as f:
        for row in rows():
            f.write(json.dumps(row) + "\n")
    out = tmp_path / "out"
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(data)), RetoldDedup(**step), JsonlWriter(str(out))],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    written = []
    for path in sorted(out.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            written += [json.loads(line) for line in f]
    return written


def marks(doc: dict[str, Any]) -> tuple[Any, ...]:
    m = doc["metadata"]
    return (doc["id"], m["retold_role"], m["retold_verdict"], m["retold_source"])


def test_marks_copies_in_a_local_pipeline(tmp_path: Path) -> None:
    docs = run_pipeline(tmp_path)
    assert [marks(d) for d in docs] == [
        ("gazette/1", "source", None, "gazette/1"),
        ("farm/9", "copy", "rewrite", "gazette/1"),
        ("farm/10", "copy", "identical", "gazette/1"),
        ("gazette/2", "unique", None, None),
        ("empty", "unique", None, None),
    ]
    clusters = {d["metadata"]["retold_cluster"] for d in docs[:3]}
    assert len(clusters) == 1 and None not in clusters
    assert docs[3]["metadata"]["retold_cluster"] is None
    assert docs[0]["text"] == SOURCE  # texts pass through untouched
    assert docs[0]["metadata"]["title"] == "Ferry"


def test_drops_copies(tmp_path: Path) -> None:
    docs = run_pipeline(tmp_path, drop=True)
    assert [d["id"] for d in docs] == ["gazette/1", "gazette/2", "empty"]


def test_drop_only_identical_copies(tmp_path: Path) -> None:
    docs = run_pipeline(tmp_path, drop=True, drop_verdicts=("identical",))
    assert [d["id"] for d in docs] == ["gazette/1", "farm/9", "gazette/2", "empty"]


def test_lexical_only_misses_the_paraphrase(tmp_path: Path) -> None:
    docs = run_pipeline(tmp_path, lexical_only=True)
    assert [marks(d)[1] for d in docs] == ["source", "unique", "copy", "unique", "unique"]


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (
            {"drop_verdicts": ("related",)},
            "drop_verdicts ['related'] are not reuse verdicts; choose from identical,"
            " near-duplicate, rewrite, partial",
        ),
        ({"threshold": 1.5}, "threshold must be in [0.0, 1.0]"),
        ({"workers": 0}, "workers must be >= 1"),
        ({"prefix": ""}, "prefix must not be empty: the step's keys would overwrite others"),
    ],
)
def test_config_errors(kwargs: dict[str, Any], message: str) -> None:
    from retold.integrations.datatrove import RetoldDedupConfig

    with pytest.raises(ConfigError) as e:
        RetoldDedupConfig(**kwargs)
    assert str(e.value) == message

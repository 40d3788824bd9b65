"""The Ray engine finds translated copies as the local engine does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.documents import Document
from retold.engines.local import DedupConfig, run_dedup

pytestmark = pytest.mark.ray

TRANSLATED = Path(__file__).parent.parent / "fixtures" / "translated"

# other English stories, some sharing a number or a name with the flood story
ENGLISH = [
    json.loads(line)["text"]
    for line in (TRANSLATED / "english.jsonl").read_text("utf-8").splitlines()
][:3]


def _corpus(tmp_path: Path, names: tuple[str, ...]) -> Path:
    docs = [Document(f"en{i}.txt", text) for i, text in enumerate(ENGLISH)]
    docs += [Document(f"{n}.txt", (TRANSLATED / f"{n}.txt").read_text("utf-8")) for n in names]
    path = tmp_path / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")
    return path


def _ray(corpus: Path, work: Path, cfg: DedupConfig):  # type: ignore[no-untyped-def]
    from retold.engines.ray import RayConfig, run_ray_dedup

    return run_ray_dedup(str(corpus), RayConfig(work_dir=str(work), dedup=cfg))


def _clusters(records: list[dict]) -> list[list[str]]:  # type: ignore[type-arg]
    return sorted(sorted(m["id"] for m in r["members"]) for r in records)


def test_ray_clusters_a_translation_with_its_source_as_the_local_engine(  # type: ignore[no-untyped-def]
    ray_session, tmp_path
) -> None:
    from retold.readers import read_corpus

    corpus = _corpus(tmp_path, ("flood_en", "flood_ru", "museum_de"))
    cfg = DedupConfig(batch_size=3)  # three shards: the languages come from several tasks
    local = run_dedup(read_corpus(corpus), cfg)
    result = _ray(corpus, tmp_path / "work", cfg)
    assert ["flood_en.txt", "flood_ru.txt"] in _clusters(result.records)
    assert result.records == local.records
    assert result.stats["candidates"] == local.stats["candidates"]


def test_ray_without_the_switch_finds_no_translation(ray_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    corpus = _corpus(tmp_path, ("flood_en", "flood_ru"))
    result = _ray(corpus, tmp_path / "work", DedupConfig(batch_size=3, crosslingual=False))
    assert ["flood_en.txt", "flood_ru.txt"] not in _clusters(result.records)

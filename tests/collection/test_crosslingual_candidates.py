"""Cross-lingual candidates: translated copies found by numbers, dates and names."""

from __future__ import annotations

from pathlib import Path

import pytest

from retold.collection.candidates import Candidates
from retold.collection.crosslingual import (
    CrosslingualCandidateConfig,
    crosslingual_candidates,
    fingerprints,
)
from retold.documents import Document
from retold.engines.local import DedupConfig, run_dedup

TRANSLATED = Path(__file__).parent.parent / "fixtures" / "translated"

ENGLISH = [
    "The city council approved a budget of 4.2 billion dollars on Thursday, June 3.",
    "Storms flooded the coast of Nordhavn, and 1,300 homes lost power for two days.",
    "Shares of the carmaker Veltra fell 12% after it recalled 80,000 cars in Europe.",
    "The museum in Ostrava will stay closed until September 30 for repairs, the mayor said.",
]


def _docs() -> list[Document]:
    docs = [Document(f"en{i}.txt", text) for i, text in enumerate(ENGLISH)]
    for name in ("flood_en", "flood_ru", "museum_de"):
        docs.append(Document(f"{name}.txt", (TRANSLATED / f"{name}.txt").read_text("utf-8")))
    return docs


def test_a_translation_shares_numbers_dates_and_names_with_its_source() -> None:
    en = fingerprints((TRANSLATED / "flood_en.txt").read_text("utf-8"))
    ru = fingerprints((TRANSLATED / "flood_ru.txt").read_text("utf-8"))
    assert {"n:240", "d:3-14", "p:moroz"} <= en & ru


def test_translation_is_proposed_with_its_source_only() -> None:
    docs = _docs()
    cands = Candidates()
    per_language = crosslingual_candidates(docs, cands)
    assert per_language == {"en": 5, "ru": 1, "de": 1}
    pairs = {(docs[c.a].id, docs[c.b].id) for c in cands}
    assert ("flood_en.txt", "flood_ru.txt") in pairs
    # no English pair is proposed: only other-language documents look for partners
    assert all("ru" in a + b or "de" in a + b for a, b in pairs)


def test_a_collection_in_one_language_gets_no_candidates() -> None:
    docs = [d for d in _docs() if d.id.startswith("en") or d.id == "flood_en.txt"]
    cands = Candidates()
    assert crosslingual_candidates(docs, cands) == {"en": 5}
    assert len(cands) == 0


def test_config_is_validated() -> None:
    with pytest.raises(ValueError, match="k and min_shared"):
        CrosslingualCandidateConfig(k=0)
    with pytest.raises(ValueError, match="max_df"):
        CrosslingualCandidateConfig(max_df=0.0)


def test_dedup_clusters_a_translation_with_its_source() -> None:
    result = run_dedup(_docs(), DedupConfig())
    clusters = [sorted(m["id"] for m in rec["members"]) for rec in result.records]
    assert ["flood_en.txt", "flood_ru.txt"] in clusters
    assert result.stats["candidates_by_signal"].get("crosslingual", 0) >= 1
    assert not any("museum_de.txt" in c for c in clusters)


def test_crosslingual_off_identifies_no_language_and_finds_no_translation() -> None:
    result = run_dedup(_docs(), DedupConfig(crosslingual=False))
    clusters = [sorted(m["id"] for m in rec["members"]) for rec in result.records]
    assert ["flood_en.txt", "flood_ru.txt"] not in clusters
    assert "crosslingual" not in result.stats["candidates_by_signal"]


def test_the_signal_survives_saved_candidates() -> None:
    cands = Candidates()
    cands.add(3, 1, "crosslingual", 4)
    back = Candidates.from_arrays(cands.to_arrays())
    assert [(c.a, c.b, c.signals, c.shared) for c in back] == [(1, 3, {"crosslingual"}, 4)]


def test_pairs_by_keys_only_minority_documents_look_for_partners_in_other_languages() -> None:
    from retold.collection.crosslingual import pairs_by_keys

    shared = {"n:240", "d:3-14", "p:moroz"}
    languages = ["en", "en", "ru", "ru", "und", "en"]
    keys = [shared, {"n:240"}, shared, {"p:other", "n:999"}, shared, {"n:999", "p:other"}]
    pairs = sorted(pairs_by_keys(languages, keys))
    # the Russian documents find the English ones they share two or more keys with; an
    # undetermined document is never a partner, and a Russian one never pairs with Russian
    assert pairs == [(2, 0, 3), (3, 5, 2)]
    assert list(pairs_by_keys(["en", "en", "und"], keys[:3])) == []

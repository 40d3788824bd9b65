"""compare() across the spectrum of the project's own fixture rewrites."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import retold
from retold.documents import ChangeKind, Document, Verdict
from retold.engines.prepare import embed_batch
from retold.errors import InputError
from retold.pair.compare import Comparer
from retold.segment import segment

SPECTRUM = Path(__file__).parents[1] / "fixtures" / "spectrum"
VERSIONS = ["identical", "edited", "light", "heavy", "reordered", "partial", "related", "unrelated"]


def _gold_pairs(links: list[list[list[int]]]) -> set[tuple[int, int]]:
    return {(i, j) for a, b in links for i in a for j in b}


@pytest.mark.parametrize("version", VERSIONS)
def test_verdict_matches_gold(
    version: str, comparer: Comparer, spectrum_source: str, spectrum_gold: dict[str, Any]
) -> None:
    gold = spectrum_gold["versions"][version]
    c = comparer.compare(spectrum_source, (SPECTRUM / gold["file"]).read_text(encoding="utf-8"))
    assert str(c.verdict) == gold["verdict"]


@pytest.mark.parametrize("version", ["edited", "light", "heavy", "reordered"])
def test_alignment_matches_gold(
    version: str, comparer: Comparer, spectrum_source: str, spectrum_gold: dict[str, Any]
) -> None:
    gold = spectrum_gold["versions"][version]
    c = comparer.compare(spectrum_source, (SPECTRUM / gold["file"]).read_text(encoding="utf-8"))
    got = _gold_pairs([[list(lk.a), list(lk.b)] for lk in c.alignment.links])
    want = _gold_pairs(gold["alignment"])
    precision = len(got & want) / len(got)
    recall = len(got & want) / len(want)
    assert precision >= 0.95, sorted(got - want)
    assert recall >= 0.8, sorted(want - got)


def test_a_restyled_retelling_of_every_fact_is_a_copy(
    comparer: Comparer, spectrum_source: str
) -> None:
    # no sentence is close, but every fact, name and number is carried over in the source's order
    c = comparer.compare(spectrum_source, (SPECTRUM / "restyled.txt").read_text(encoding="utf-8"))
    assert c.verdict.is_reuse
    assert c.scores["reuse_probability"] >= comparer.config.verdict.unbacked_probability
    assert c.features["close_count"] == 0.0


def test_a_pair_alone_scores_as_it_does_inside_a_collection(
    comparer: Comparer, spectrum_source: str
) -> None:
    # dedup and the index keep float16 sentence vectors; the viewer's pair page and `retold
    # compare` embed afresh: both must see the same numbers, or the pages disagree on verdicts
    heavy = (SPECTRUM / "heavy.txt").read_text(encoding="utf-8")
    alone = comparer.compare(spectrum_source, heavy)
    sa, sb = segment(Document("a", spectrum_source)), segment(Document("b", heavy))
    stored = [embed_batch([s], comparer.embedder).astype(np.float32) for s in (sa, sb)]
    inside = comparer.compare_segmented(sa, sb, *stored)
    assert alone.scores == inside.scores
    assert alone.features == inside.features and alone.verdict == inside.verdict


def test_two_match_reports_sharing_only_the_team_sheets_are_no_copy(comparer: Comparer) -> None:
    sheets = (
        "\n\nLorvik: T Aas; B Holm, K Vik (capt), P Lund, S Berg; M Dahl, O Strand; E Moe, "
        "J Rud, A Sande.\n\nReplacements: Nyhus, Fjeld, Hauge, Lie, Brekke, Tveit, Ness."
        "\n\nSkarvik: H Eide; L Foss, R Haga, N Myhre, D Sola; F Berge, G Lien; I Ruud, "
        "V Dale (capt), C Aune."
    )
    preview = (
        "Lorvik coach Ane Brun has made three changes for Saturday's cup final against Skarvik. "
        "The captain returns after a month out with a knee injury, and two young forwards get "
        "their first start of the season. Brun said her side had trained well all week and "
        "that the mood in the squad was better than at any time this year." + sheets
    )
    report = (
        "Skarvik won the cup for the first time in eleven years after a late try sealed a "
        "22-17 win over Lorvik in heavy rain. The home side led at half-time but lost two "
        "players to the sin bin in the second half. Skarvik's fly-half kicked four penalties "
        "and was named man of the match by the television panel." + sheets
    )
    c = comparer.compare(preview, report)
    assert not c.verdict.is_reuse
    shared = [lk for lk in c.alignment.links if lk.similarity >= 0.99]
    assert len(shared) >= 3  # the lists themselves are still aligned and shown


def test_edited_copy_reports_the_changed_number(
    comparer: Comparer, spectrum_source: str, spectrum_gold: dict[str, Any]
) -> None:
    gold = spectrum_gold["versions"]["edited"]["number_changed"]
    c = comparer.compare(spectrum_source, (SPECTRUM / "edited.txt").read_text(encoding="utf-8"))
    differs = [(ch.a, ch.b) for ch in c.changes if ch.kind == ChangeKind.NUMBER_DIFFERS]
    assert (gold["source"], gold["version"]) in differs


def test_heavy_paraphrase_caption_name_variant_and_direction(
    comparer: Comparer, spectrum_source: str, spectrum_gold: dict[str, Any]
) -> None:
    gold = spectrum_gold["versions"]["heavy"]
    c = comparer.compare(spectrum_source, (SPECTRUM / "heavy.txt").read_text(encoding="utf-8"))
    only = {ch.a_sentence: ch.detail for ch in c.changes if ch.kind == ChangeKind.ONE_SIDE_ONLY}
    assert only.get(gold["caption_only_in_source"]) == "caption"
    names = [(ch.a, ch.b) for ch in c.changes if ch.kind == ChangeKind.NAME_VARIANT]
    assert (gold["name_variant"]["source"], gold["name_variant"]["version"]) in names
    assert c.direction.source == "a"


def test_module_function_and_json_ready_output() -> None:
    c = retold.compare(
        "The ferry left at 9 a.m. with 40 cars.", "With 40 cars, the ferry left at 9 a.m."
    )
    assert c.verdict.is_reuse
    d = c.to_dict()
    for side in ("a", "b"):
        for s in d[side]["sentences"]:
            assert d[side]["text"][s["start"] : s["end"]] == s["text"]


def test_other_scripts_compare_without_error(comparer: Comparer) -> None:
    text = "Паводок затопил двести домов в долине. Спасатели вывезли девяносто человек."
    c = comparer.compare(text, text)
    assert c.verdict == Verdict.IDENTICAL


def test_empty_input_is_refused(comparer: Comparer) -> None:
    with pytest.raises(InputError, match="a is empty: there is no text to compare"):
        comparer.compare("  \n ", "Something.")


def test_too_many_sentences_is_refused() -> None:
    from retold.pair.compare import CompareConfig

    comparer = Comparer("fast", CompareConfig(max_sentences=3))
    with pytest.raises(InputError, match="a has 4 sentences, over the limit of 3"):
        comparer.compare("One. Two. Three. Four.", "One.")

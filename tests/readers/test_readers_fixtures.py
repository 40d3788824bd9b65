"""The project's own fixture texts stay consistent with their gold and with segmentation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from retold.documents import SentenceKind
from retold.readers import SkipLog, read_corpus, read_document
from retold.segment import segment

ROOT = Path(__file__).resolve().parents[2]
SPECTRUM = ROOT / "tests" / "fixtures" / "spectrum"
DEMO = ROOT / "src" / "retold" / "data" / "demo"
GOLD = json.loads((SPECTRUM / "gold.json").read_text(encoding="utf-8"))


def sentences(name: str) -> list[str]:
    doc = read_document(SPECTRUM / name, id=name)
    return [s.text for s in segment(doc).sentences]


def test_source_shape() -> None:
    doc = read_document(SPECTRUM / "source.txt", id="source")
    seg = segment(doc)
    assert len(seg.sentences) == GOLD["source_sentences"] == 24
    assert 450 <= len(doc.text.split()) <= 600
    kinds = [s.kind for s in seg.sentences]
    assert kinds[0] == SentenceKind.HEADING
    assert kinds[6] == SentenceKind.CAPTION
    assert seg.sentences[6].text.endswith("(credit: NORTHWIRE/Jane Doe)")
    assert kinds.count(SentenceKind.CAPTION) == 1


@pytest.mark.parametrize("version", sorted(GOLD["versions"]))
def test_gold_alignment_is_consistent(version: str) -> None:
    gold = GOLD["versions"][version]
    seg = sentences(gold["file"])
    if "sentences" in gold:
        assert len(seg) == gold["sentences"]
    if "alignment" not in gold:
        return
    a_used = [i for link in gold["alignment"] for i in link[0]]
    b_used = [j for link in gold["alignment"] for j in link[1]]
    assert sorted(a_used + gold["source_only"]) == list(range(GOLD["source_sentences"]))
    assert sorted(b_used + gold["version_only"]) == list(range(len(seg)))
    for a, b in gold["alignment"]:
        assert a == list(range(a[0], a[-1] + 1)) and b == list(range(b[0], b[-1] + 1))


def test_identical_and_edited() -> None:
    src = (SPECTRUM / "source.txt").read_text(encoding="utf-8")
    assert (SPECTRUM / "identical.txt").read_text(encoding="utf-8") == src
    edited = GOLD["versions"]["edited"]
    a, b = sentences("source.txt"), sentences("edited.txt")
    n = edited["number_changed"]
    assert n["source"] in a[n["source_sentence"]] and n["version"] in b[n["version_sentence"]]
    assert n["source"] not in " ".join(b)
    assert sum(x != y for x, y in zip(a, b, strict=True)) == 4


def test_heavy_name_variant_and_no_caption() -> None:
    variant = GOLD["versions"]["heavy"]["name_variant"]
    a, b = sentences("source.txt"), sentences("heavy.txt")
    assert variant["source"] in a[variant["source_sentence"]]
    assert variant["version"] in b[variant["version_sentence"]]
    assert variant["source"] not in " ".join(b)
    assert "credit:" not in " ".join(b)


def test_versions_share_numbers_with_source() -> None:
    numbers = set(re.findall(r"\d[\d,.]*\d|\d", (SPECTRUM / "source.txt").read_text()))
    for name in ("light.txt", "heavy.txt", "restyled.txt"):
        text = (SPECTRUM / name).read_text(encoding="utf-8")
        for n in ("3,400", "2.6", "212", "45", "17", "1,800", "600", "4.5", "2019", "30"):
            assert n in numbers and n in text, (name, n)


def test_partial_keeps_three_source_paragraphs() -> None:
    gold = GOLD["versions"]["partial"]
    a, b = sentences("source.txt"), sentences("partial.txt")
    for (i,), (j,) in gold["alignment"]:
        assert a[i] == b[j]
    new_words = sum(len(b[j].split()) for j in gold["version_only"])
    assert new_words >= 350


def test_unrelated_shares_no_names() -> None:
    text = (SPECTRUM / "unrelated.txt").read_text(encoding="utf-8")
    for name in ("Brenholt", "Kessler", "Qasemi", "Lindqvist", "Renner"):
        assert name not in text


def test_latin1_fixture_is_not_utf8() -> None:
    data = (ROOT / "tests" / "fixtures" / "latin1.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_demo_pair_and_answer_key() -> None:
    original = read_document(DEMO / "original.txt", id="original")
    rewrite = read_document(DEMO / "rewrite.txt", id="rewrite")
    assert "Rahmouni" in original.text and "Rahmuni" in rewrite.text
    assert "Rahmouni" not in rewrite.text
    kinds = [s.kind for s in segment(original).sentences]
    assert kinds.count(SentenceKind.CAPTION) == 1
    assert "credit:" not in rewrite.text
    docs = {d.id: d for d in read_corpus(DEMO / "corpus.jsonl", on_skip=SkipLog())}
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    planted = re.findall(r"^\| `(n\d\d)` \| `(n\d\d)` \|", readme, re.M)
    assert len(planted) == 9
    for copy, source in planted:
        assert docs[source].published is not None and docs[copy].published is not None
        assert docs[source].published <= docs[copy].published
    assert docs["n32"].text == docs["n03"].text and docs["n33"].text == docs["n11"].text
    assert all(120 <= len(d.text.split()) <= 300 for d in docs.values())

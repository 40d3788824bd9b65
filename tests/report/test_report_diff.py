"""Word diff: parts reassemble both texts exactly and describe real changes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from retold.report.diff import cut_segments, side_segments, tokenize, word_diff

WORDS = st.sampled_from(["the", "ferry", "board", "Varga", "Varg", "12", "1,200", ",", ".", '"'])
SPACES = st.sampled_from([" ", "  ", "\n", " \n "])
# texts from a small vocabulary share words, so the matcher has real work to do
SENTENCE = st.lists(st.tuples(WORDS, SPACES), max_size=25).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)
ANY_TEXT = st.text(max_size=80)


def _check(a: str, b: str) -> None:
    parts = word_diff(a, b)
    assert "".join(p[1] for p in parts) == a
    assert "".join(p[2] for p in parts) == b
    for k, (op, pa, pb) in enumerate(parts):
        assert pa or pb
        if op == "equal":
            assert pa == pb
        elif op == "delete":
            assert pa and not pb
        elif op == "insert":
            assert pb and not pa
        else:
            assert op == "replace" and pa and pb
        if k:
            # neighbouring changes are always merged into one part
            assert op == "equal" or parts[k - 1][0] == "equal"


@settings(max_examples=300, deadline=None)
@given(SENTENCE, SENTENCE)
def test_parts_reassemble_similar_texts(a: str, b: str) -> None:
    _check(a, b)


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT, ANY_TEXT)
def test_parts_reassemble_any_text(a: str, b: str) -> None:
    _check(a, b)


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_tokenize_loses_nothing(text: str) -> None:
    assert "".join(tokenize(text)) == text


@settings(max_examples=200, deadline=None)
@given(SENTENCE, SENTENCE)
def test_side_segments_rejoin(a: str, b: str) -> None:
    parts = word_diff(a, b)
    assert "".join(t for t, _ in side_segments(parts, "a")) == a
    assert "".join(t for t, _ in side_segments(parts, "b")) == b
    for text, changed in side_segments(parts, "a"):
        if changed and text.strip():
            assert text == text.strip()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=15), min_size=1, max_size=5), SENTENCE)
def test_cut_segments_gives_each_span(sentences: list[str], other: str) -> None:
    joined = " ".join(sentences)
    spans, pos = [], 0
    for s in sentences:
        spans.append((pos, pos + len(s)))
        pos += len(s) + 1
    pieces = cut_segments(side_segments(word_diff(joined, other), "a"), spans)
    assert ["".join(t for t, _ in p) for p in pieces] == sentences


def test_identical_texts_are_one_equal_part() -> None:
    text = 'Varga said: "We cannot run old boats for ever."'
    assert word_diff(text, text) == [("equal", text, text)]


def test_empty_texts() -> None:
    assert word_diff("", "") == []
    assert word_diff("", "new words") == [("insert", "", "new words")]
    assert word_diff("old words", "") == [("delete", "old words", "")]


def test_changed_word_is_isolated() -> None:
    parts = word_diff("Chair Ilse Varga said so.", "Chair Ilse Varg said so.")
    assert ("replace", "Varga", "Varg") in parts
    assert [p[0] for p in parts] == ["equal", "replace", "equal"]


def test_short_equal_between_changes_is_folded() -> None:
    # "the" between two changes is folded into one replacement
    parts = word_diff("site of the meeting", "venue at the gathering")
    assert parts == [("replace", "site of the meeting", "venue at the gathering")]

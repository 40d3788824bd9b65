from hypothesis import given
from hypothesis import strategies as st

from retold.normalize import fold, normalize_text, words


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_normalize_collapses_spaces_and_newline_styles() -> None:
    assert normalize_text("a\u00a0\u00a0b\r\nc\r\rd\x00") == "a b\nc\n\nd"


def test_fold_straightens_quotes_and_dashes() -> None:
    assert fold("\u201cNo\u201d \u2014 it\u2019s") == '"no" - it\'s'


def test_words_keep_numbers_and_hyphenated_names_whole() -> None:
    assert words("al-Arouri killed 1,200 (3.5%)") == ["al-arouri", "killed", "1,200", "3.5"]

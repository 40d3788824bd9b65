import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from retold.normalize import _QUOTES, _WORD, fold, normalize_text, words


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


# The definitions fold and words must keep while they take faster paths (ASCII, no quotes,
# words without the regex).
def _fold_by_definition(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold().split())


_ODD_CHARACTERS = (
    "\u2019\u201c\u2014\u2026\u00a0\uff46\u2460\u0130\u00df\ufb01\u017f\u212a\u0416\u65e5"
)
_TRICKY = st.text(alphabet=st.sampled_from(list("aZ09_ .,;:!?'\"()[]-/\t\n" + _ODD_CHARACTERS)))


@given(st.text() | _TRICKY)
def test_fold_equals_its_definition(text: str) -> None:
    assert fold(text) == _fold_by_definition(text)


@given(st.text() | _TRICKY)
def test_words_equal_the_word_pattern_over_the_folded_text(text: str) -> None:
    assert words(text) == _WORD.findall(_fold_by_definition(text))

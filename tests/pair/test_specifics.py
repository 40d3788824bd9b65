"""Language-agnostic numbers, dates and names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from retold.pair.specifics import (
    _WORDS,
    MONTHS,
    _month_words,
    carried_names,
    dates,
    latin_key,
    names,
    numbers,
    readings,
    same_name,
)


def test_thousands_separators_of_every_convention_agree() -> None:
    keys = [readings(x) for x in ("45,000", "45.000", "45 000", "45\u00a0000", "45000")]
    assert set.intersection(*map(set, keys)) == {"45000"}


def test_decimal_comma_and_point_agree_but_not_with_a_different_value() -> None:
    assert readings("12,5") & readings("12.5")
    assert not readings("12,5") & readings("125")
    assert not readings("3.4") & readings("4.3")


def test_scale_words_in_several_languages() -> None:
    million = readings("15", "million")
    for scale in ("миллионов", "млн", "Mio", "milijuna", "millions"):
        assert "15000000" in readings("15", scale) & million, scale
    assert "50000" in readings("5", "万") & readings("50,000")


def test_dates_in_several_languages_share_one_key() -> None:
    for text in (
        "on March 14, 2023",
        "am 14. März 2023",
        "le 14 mars 2023",
        "14 марта 2023 года",
        "14. ožujka 2023.",
        "2023年3月14日",
    ):
        found = dates(text)
        assert [d[3] for d in found] == ["3-14"], text


def test_a_year_after_a_date_is_a_number_of_its_own() -> None:
    found = numbers("14 марта 2023 года погибли 12 человек")
    assert [sorted(k) for _, k in found] == [["3-14"], ["2023"], ["12"]]


def test_names_are_transliterated_and_matched_with_case_endings() -> None:
    assert latin_key("Навальный") == "navalnyy"
    assert same_name(latin_key("Навальный"), latin_key("Navalny"))
    assert same_name(latin_key("Навального"), latin_key("Navalny"))
    assert not same_name(latin_key("Морозов"), latin_key("Moscow"))
    assert carried_names(
        "Сегодня Алексей Навальный встретился с Морозовым.",
        "Today Alexei Navalny met Morozov.",
    ) == [("Навальный", "Navalny"), ("Морозовым", "Morozov")]


def test_sentence_initial_words_are_not_names() -> None:
    assert "today" not in names("Today Alexei Navalny met Morozov.")


@given(st.text(max_size=80))
def test_numbers_never_fail_and_keys_are_never_empty(text: str) -> None:
    for _, keys in numbers(text):
        assert keys


def test_a_full_stop_after_a_date_is_not_part_of_it() -> None:
    assert [d[2] for d in dates("Вода спадёт к 14 марта. Потом")] == ["14 марта"]
    assert [d[2] for d in dates("due on 14 Dec. next year")] == ["14 Dec."]


# what _month_words must find: every maximal run of letters whose lower case is a month name
def _month_words_by_definition(text: str) -> list[tuple[int, int]]:
    return [w.span() for w in _WORDS.finditer(text) if w.group().lower() in MONTHS]


_MONTHISH = st.lists(
    st.sampled_from([*"MmAaYyRrcChHİıΣσςǅ.-_5 1\n", "März", "MAY", "мая", "Mayday"]),
    max_size=30,
).map("".join)


@given(st.one_of(st.text(max_size=60), _MONTHISH))
def test_month_words_are_the_words_that_are_month_names(text: str) -> None:
    assert _month_words(text) == _month_words_by_definition(text)
    assert _month_words(" " + text) == [(a + 1, b + 1) for a, b in _month_words_by_definition(text)]

from retold.documents import Alignment, ChangeKind, Document, Link
from retold.pair.changes import find_changes, name_variants, numbers
from retold.segment import segment


def test_numbers_keep_dates_whole_and_normalise_separators() -> None:
    found = numbers(
        "On March 14, 2023 about 3,400 people (12.5%) left; $4.5 million was set aside."
    )
    assert [n for _, n in found] == ["march 14 2023", "3400", "12.5%", "$4.5million"]


def test_name_variants_pair_close_spellings_only() -> None:
    assert name_variants("Mayor Ingrid Solbakk spoke", "Mayor Ingrid Solbak spoke") == [
        ("Solbakk", "Solbak")
    ]
    assert name_variants("Mayor Ingrid Solbakk spoke", "Mayor Petra Lund spoke") == []
    # a change of case is not a name change
    assert name_variants("the Harbour Strike began", "the Harbour strike began") == []


def _pair(a: str, b: str):  # type: ignore[no-untyped-def]
    sa, sb = segment(Document("a", a)), segment(Document("b", b))
    links = tuple(Link((i,), (i,), 0.9) for i in range(min(len(sa.sentences), len(sb.sentences))))
    return sa, sb, Alignment(links, (), ())


def test_numbers_that_agree_and_differ() -> None:
    sa, sb, al = _pair(
        "The flood hit 212 homes on March 14. Rescuers saved 90 people.",
        "The flood reached 214 homes on March 14. Rescuers saved 90 people.",
    )
    changes = find_changes(sa.sentences, sb.sentences, al)
    differs = [(c.a, c.b) for c in changes if c.kind == ChangeKind.NUMBER_DIFFERS]
    agrees = [c.a for c in changes if c.kind == ChangeKind.NUMBER_AGREES]
    assert differs == [("212", "214")]
    assert agrees == ["March 14", "90"]


def test_altered_quote_is_reported() -> None:
    sa, sb, al = _pair(
        'She said: "We will rebuild every single house on this street."',
        'She said: "We will rebuild every house on the street."',
    )
    changes = find_changes(sa.sentences, sb.sentences, al)
    assert [c.kind for c in changes] == [ChangeKind.QUOTE_ALTERED]


def test_one_side_only_sentences_carry_their_class() -> None:
    sa = segment(
        Document("a", "Roads closed. Ferry staff wave at Lorvik pier (credit: NORTHWIRE/Ada Lund)")
    )
    sb = segment(Document("b", "Roads closed."))
    al = Alignment((Link((0,), (0,), 1.0),), (1,), ())
    changes = find_changes(sa.sentences, sb.sentences, al)
    assert [(c.kind, c.detail) for c in changes] == [(ChangeKind.ONE_SIDE_ONLY, "caption")]


def test_translated_pair_matches_numbers_dates_and_names_across_languages() -> None:
    sa, sb, al = _pair(
        "Губернатор Алексей Морозов заявил, что 14 марта ремонт обойдётся в 15 млн рублей. "
        "Эвакуированы 1 240 жителей.",
        "Governor Alexei Morozov said on March 14 that repairs would cost 15 million roubles. "
        "1,250 residents were evacuated.",
    )
    changes = find_changes(sa.sentences, sb.sentences, al, translated=True)
    agrees = [(c.a, c.b) for c in changes if c.kind == ChangeKind.NUMBER_AGREES]
    differs = [(c.a, c.b) for c in changes if c.kind == ChangeKind.NUMBER_DIFFERS]
    names = [(c.a, c.b, c.detail) for c in changes if c.kind == ChangeKind.NAME_VARIANT]
    assert agrees == [("14 марта", "March 14"), ("15", "15")]
    assert differs == [("1 240", "1,250")]
    assert names == [("Морозов", "Morozov", "transliteration")]


def test_case_forms_of_one_translated_name_are_reported_once() -> None:
    sa, sb, al = _pair(
        "Река отрезала деревни под Карельском. Жители Карельска ждут помощи.",
        "The river cut off villages near Karelsk. Residents of Karelsk wait for help.",
    )
    changes = find_changes(sa.sentences, sb.sentences, al, translated=True)
    names = [(c.a, c.b) for c in changes if c.kind == ChangeKind.NAME_VARIANT]
    assert names == [("Карельском", "Karelsk")]

from hypothesis import given, settings
from hypothesis import strategies as st

from retold.documents import Document, SentenceKind
from retold.segment import classify, paragraph_spans, segment


def test_caption_glued_to_paragraph_is_split_and_classified() -> None:
    text = (
        "The council voted on Tuesday. It approved 40 new homes. The mayor and the builder "
        "stand by the site in Lorvik on May 2 (credit: NORTHWIRE/Ada Lund)\n\nNext paragraph."
    )
    seg = segment(Document("x", text))
    kinds = [(s.text[:12], s.kind) for s in seg.sentences]
    assert kinds[-2][1] == SentenceKind.CAPTION
    assert seg.sentences[-2].text.startswith("The mayor and the builder")
    assert seg.sentences[1].text == "It approved 40 new homes."


def test_heading_and_paragraphs() -> None:
    text = "Storm hits coast\n\nThe storm hit at 5 a.m. on Monday. Two died.\nA second paragraph."
    seg = segment(Document("x", text))
    assert [s.paragraph for s in seg.sentences] == [0, 1, 1, 2]
    assert seg.sentences[0].kind == SentenceKind.HEADING


def test_hard_wrapped_lines_join_into_one_paragraph() -> None:
    text = (
        "The storm hit the coast early on\nMonday and flooded the harbour, and\n"
        "Police closed the roads by noon\nbefore the tide turned.\n\nA new paragraph."
    )
    assert len(paragraph_spans(text)) == 2


def test_credit_line_alone() -> None:
    assert classify("Photo: Ada Lund/Northwire", alone_in_paragraph=True) == SentenceKind.CREDIT


def test_a_team_sheet_is_a_line_of_the_page_and_a_sentence_of_names_is_not() -> None:
    sheet = "Lorvik: T Aas; B Holm, K Vik (capt), P Lund, S Berg; M Dahl, O Strand, E Moe."
    assert classify(sheet, alone_in_paragraph=True) == SentenceKind.BOILERPLATE
    subs = "Replacements: Nyhus, Fjeld, Sande, Rud, Hauge, Lie."
    assert classify(subs, alone_in_paragraph=True) == SentenceKind.BOILERPLATE
    prose = "Ministers from Norway, Sweden, Denmark, Finland and Iceland met in Lorvik on Monday."
    assert classify(prose, alone_in_paragraph=False) == SentenceKind.BODY


@settings(max_examples=60)
@given(st.text(alphabet=st.sampled_from("ab .\n?!\"'Mr"), max_size=300))
def test_offsets_point_into_text_and_are_ordered(text: str) -> None:
    seg = segment(Document("x", text))
    last_end = 0
    for i, s in enumerate(seg.sentences):
        assert s.index == i
        assert text[s.start : s.end] == s.text
        assert s.text.strip() == s.text and s.text
        assert s.start >= last_end
        last_end = s.end


def _texts(text: str) -> list[str]:
    return [s.text for s in segment(Document("x", text)).sentences]


def test_chinese_and_japanese_sentences_end_without_spaces() -> None:
    assert _texts("政府周三宣布，税收将降低。他说这是好消息！记者问道？") == [
        "政府周三宣布，税收将降低。",
        "他说这是好消息！",
        "记者问道？",
    ]
    # a question inside a quotation does not end the sentence that carries the quote
    assert _texts("政府は水曜日に発表した。「本当か？」と彼は言った。") == [
        "政府は水曜日に発表した。",
        "「本当か？」と彼は言った。",
    ]


def test_russian_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = (
        "В 2020 г. компания получила 5 млн. руб. прибыли. Об этом сообщил А. С. Иванов. "
        "Ул. Ленина закрыта, т. е. проезда нет."
    )
    assert _texts(text) == [
        "В 2020 г. компания получила 5 млн. руб. прибыли.",
        "Об этом сообщил А. С. Иванов.",
        "Ул. Ленина закрыта, т. е. проезда нет.",
    ]


def test_croatian_and_german_abbreviations_and_ordinal_days() -> None:
    hr = "Sastanak je održan 15. ožujka u Zagrebu. Dr. Ivan Horvat rekao je npr. da će nastaviti."
    assert _texts(hr) == [
        "Sastanak je održan 15. ožujka u Zagrebu.",
        "Dr. Ivan Horvat rekao je npr. da će nastaviti.",
    ]
    assert _texts("Am 3. März wurde das Museum eröffnet. Es kostete 8 Mio. Euro.") == [
        "Am 3. März wurde das Museum eröffnet.",
        "Es kostete 8 Mio. Euro.",
    ]


def test_an_english_date_still_ends_a_sentence() -> None:
    assert _texts("The bill passed on December 12. It now goes to the Senate.") == [
        "The bill passed on December 12.",
        "It now goes to the Senate.",
    ]

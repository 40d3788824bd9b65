"""Numbers, dates and names written so that a translation can be matched with its source.

A translation keeps the specifics of its source but writes them its own way: ``45.000`` and
``45 000`` for 45,000, ``15 миллионов`` for 15 million, ``14. März`` or ``3月14日`` for March 14,
``Навальный`` for Navalny. Here each is reduced to keys that agree across languages:

- a number gives a set of *readings* (the separators read either way, with and without its
  scale word), and two numbers agree when their readings meet;
- a date in any of the known month spellings becomes ``"<month>-<day>"``;
- a name is folded to Latin letters without accents (Cyrillic and Greek transliterated), so
  that the same name in two scripts, or with its case ending, can be found.

Pure text processing; no model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Month names as written in the languages of the dev data and their neighbours, each mapped to
# its number; forms cover the nominative and the genitive used in dates ("14 марта").
_MONTH_FORMS: dict[int, str] = {
    1: "january jan januar jänner janvier siječnja siječanj января январь enero gennaio stycznia",
    2: "february feb februar février fevrier veljače veljača февраля февраль febrero febbraio "
    "lutego",
    3: "march mar märz maerz mars ožujka ožujak марта март marzo marca",
    4: "april apr avril travnja travanj апреля апрель abril aprile kwietnia",
    5: "may mai svibnja svibanj мая май mayo maggio maja",
    6: "june jun juni juin lipnja lipanj июня июнь junio giugno czerwca",
    7: "july jul juli juillet srpnja srpanj июля июль julio luglio lipca",
    8: "august aug août aout kolovoza kolovoz августа август agosto sierpnia",
    9: "september sep sept septembre rujna rujan сентября сентябрь septiembre settembre września",
    10: "october oct oktober octobre listopada listopad октября октябрь octubre ottobre "
    "października",
    11: "november nov novembre studenoga studenog studeni ноября ноябрь noviembre novembre "
    "listopada",
    12: "december dec dezember décembre decembre prosinca prosinac декабря декабрь diciembre "
    "dicembre grudnia",
}
MONTHS: dict[str, int] = {}
for _number, _forms in _MONTH_FORMS.items():
    for _form in _forms.split():
        MONTHS.setdefault(_form, _number)
_MONTH_KEYS = frozenset(MONTHS)
# a month word is found by dictionary look-up, then its day beside it: one pass over the words
# is much cheaper than a regular expression with a hundred month names in it
_WORDS = re.compile(r"[^\W\d_]{3,}")
_DAY_BEFORE = re.compile(r"(?<![\d.,])(\d{1,2})(?:st|nd|rd|th|\.)?\s+(?:of\s+|de\s+)?$", re.I)
_DAY_AFTER = re.compile(r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?![\d.,]\d)", re.I)
_CJK_DATE = re.compile(r"(?:\d{4}\s?年\s?)?(\d{1,2})\s?月\s?(\d{1,2})\s?日")
# a number: digits with . , or (thin, no-break) space groups, an optional scale word after it
_SCALES: dict[str, float] = {
    "thousand": 1e3, "тыс": 1e3, "тысяч": 1e3, "тысячи": 1e3, "tis": 1e3, "tisuća": 1e3,
    "tisuće": 1e3, "tausend": 1e3, "mille": 1e3, "千": 1e3,
    "million": 1e6, "millions": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "mio": 1e6,
    "millionen": 1e6, "млн": 1e6, "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6,
    "milijun": 1e6, "milijuna": 1e6, "milijuni": 1e6, "mil": 1e6, "百万": 1e6,
    "billion": 1e9, "billions": 1e9, "bn": 1e9, "mrd": 1e9, "milliarde": 1e9,
    "milliarden": 1e9, "milliard": 1e9, "milliards": 1e9, "млрд": 1e9, "миллиард": 1e9,
    "миллиарда": 1e9, "миллиардов": 1e9, "milijarda": 1e9, "milijardi": 1e9, "mlrd": 1e9,
    "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8,
}  # fmt: skip
_SCALE_ALT = "|".join(sorted(map(re.escape, _SCALES), key=len, reverse=True))
# digits and the letters of scripts that separate words: a number glued to one is part of a
# word ("G20", "MH17"); glued to a Chinese or Japanese character it is a number ("１２日")
_SPACED = r"0-9\uff10-\uff19A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
# Each branch starts with a digit and only then looks behind it ("\d(?<![...]\d)" is
# "(?<![...])\d"): a pattern that starts with a character class is searched for by a fast scan,
# one that starts with a look-behind is tried at every position (4x slower on news text).
_NUMBER = re.compile(
    rf"\d(?<![{_SPACED}.,]\d)\d{{0,2}}(?:[\u00a0\u202f\u2009 ]\d{{3}})+(?![\d])"
    rf"|\d(?<![{_SPACED}.,]\d)\d*(?:[.,]\d+)*"
)
_CJK_SCALES = "百万|万|萬|亿|億|千"
_SCALE_AFTER = re.compile(
    rf"\s?(?:(?P<c>{_CJK_SCALES})|(?P<s>{_SCALE_ALT})\.?(?![^\W\d_]))", re.IGNORECASE
)


def _values(mantissa: str) -> set[float]:
    """Every value a written number can have, its separators read either way."""
    digits = re.sub(r"[\u00a0\u202f\u2009 ]", "", mantissa)
    out: set[float] = set()
    seps = set(re.findall(r"[.,]", digits))
    groups = re.split(r"[.,]", digits)
    if not seps:
        out.add(float(digits))
        return out
    # thousands separators: every group after the first has three digits
    if all(len(g) == 3 for g in groups[1:]):
        out.add(float("".join(groups)))
    # one decimal separator (the last one), the others thousands separators
    if len(groups) >= 2:
        head, tail = groups[:-1], groups[-1]
        if len(seps) == 2 or len(groups) == 2:
            out.add(float("".join(head) + "." + tail))
    # neither reading fits ("1.2.3", a version or a code): its digits are still a key
    return out or {float("".join(groups))}


@lru_cache(maxsize=1 << 16)  # a collection writes the same numbers and names again and again
def readings(number: str, scale: str | None = None) -> frozenset[str]:
    """Keys under which a written number can agree with one in another language.

    Example:
        >>> sorted(readings("45.000")), sorted(readings("45 000")), sorted(readings("45,000"))
        (['45', '45000'], ['45000'], ['45', '45000'])
        >>> "15000000" in readings("15", "миллионов") & readings("15", "million")
        True
    """
    values = _values(number)
    factor = _SCALES.get(scale.lower().rstrip("."), 1.0) if scale else 1.0
    if factor != 1.0:
        values |= {v * factor for v in values}
    return frozenset(f"{v:.6g}" if v != int(v) else str(int(v)) for v in values)


def _is_letter(c: str) -> bool:
    # what [^\W\d_] matches: a word character that is neither a digit nor "_"
    return c.isalnum() and not c.isdecimal()


def _month_words(text: str) -> list[tuple[int, int]]:
    """Spans of the words of ``text`` (maximal runs of letters, ``_WORDS``) that are month
    names, in order.

    Most words are not month names: the month forms a text has are found first among its
    distinct lower-cased words, then only those are looked for, with a check that each is a
    whole word.
    """
    lowered = text.lower()
    forms = set(_WORDS.findall(lowered)) & _MONTH_KEYS
    if not forms:
        return []
    if len(lowered) != len(text):  # a letter that lower-cases to two: offsets differ
        return [w.span() for w in _WORDS.finditer(text) if w.group().lower() in MONTHS]
    spans = []
    for form in forms:
        at = lowered.find(form)
        while at >= 0:
            end = at + len(form)
            if not (at and _is_letter(text[at - 1])) and not (
                end < len(text) and _is_letter(text[end])
            ):
                spans.append((at, end))
            at = lowered.find(form, end)
    spans.sort()
    return spans


def dates(text: str) -> list[tuple[int, int, str, str]]:
    """Dates of a text in any known language: ``(start, end, as written, "<month>-<day>")``.

    A year written with the date is left to :func:`numbers` (it is a number on its own).

    Example:
        >>> [d[3] for d in dates("Am 14. März 2023, le 14 mars, 3月14日 and March 14")]
        ['3-14', '3-14', '3-14', '3-14']
    """
    out = []
    for start, end in _month_words(text):
        month = MONTHS.get(text[start:end].lower())
        if month is None:
            continue
        before = _DAY_BEFORE.search(text, max(0, start - 12), start)
        after = None if before else _DAY_AFTER.match(text, end)
        if before:
            word_length = end - start
            day, start = int(before.group(1)), before.start()
            # the dot of an abbreviated month ("14 Dec.") is part of the date; a full stop is not
            end += word_length <= 4 and text[end : end + 1] == "."
        elif after:
            day, end = int(after.group(1)), after.end()
        else:
            continue
        if 1 <= day <= 31:
            out.append((start, end, text[start:end], f"{month}-{day}"))
    if "月" in text:
        for m in _CJK_DATE.finditer(text):
            month, day = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12 and 1 <= day <= 31:
                # a year written with it stays a number of its own
                out.append((m.start(1), m.end(), text[m.start(1) : m.end()], f"{month}-{day}"))
    out.sort()
    return out


def numbers(text: str) -> list[tuple[str, frozenset[str]]]:
    """Dates and numbers of a text, in order: ``(as written, keys)``.

    A date's keys are its ``"<month>-<day>"``; a number's are its :func:`readings`.

    Example:
        >>> [(w, sorted(k)) for w, k in numbers("Le 14 mars, 45 000 personnes (12,5 %)")]
        [('14 mars', ['3-14']), ('45 000', ['45000']), ('12,5', ['12.5'])]
    """
    found: list[tuple[int, str, frozenset[str]]] = []
    taken = []
    for start, end, written, key in dates(text):
        found.append((start, written, frozenset([key])))
        taken.append((start, end))
    for m in _NUMBER.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        scale = _SCALE_AFTER.match(text, m.end())
        word = (scale.group("c") or scale.group("s")) if scale else None
        found.append((m.start(), m.group(), readings(m.group(), word)))
    found.sort(key=lambda x: x[0])
    return [(w, k) for _, w, k in found]


_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        # a soft or hard sign is dropped ("_")
        """
        a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i yi ye g
        """.split(),  # noqa: SIM905 - a letter table reads better as text
        strict=True,
    )
)
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        """
        a v g d e z i th i k l m n x o p r s s t y f ch ps o
        """.split(),  # noqa: SIM905 - a letter table reads better as text
        strict=True,
    )
)


_TO_LATIN = {ord(k): ("" if v == "_" else v) for k, v in {**_GREEK, **_CYRILLIC}.items()}
_NOT_ALNUM = {c: None for c in range(128) if not chr(c).isalnum()}


@lru_cache(maxsize=1 << 16)
def latin_key(word: str) -> str:
    """A word folded to plain Latin letters: accents stripped, Cyrillic and Greek transliterated.

    Example:
        >>> latin_key("Навальный"), latin_key("Navalny"), latin_key("Müller")
        ('navalnyy', 'navalny', 'muller')
    """
    lower = word.lower()
    if not lower.isascii():
        lower = unicodedata.normalize("NFKD", lower.translate(_TO_LATIN))
    # what is left of accents and other scripts is not ASCII, and goes with the punctuation
    return lower.encode("ascii", "ignore").decode().translate(_NOT_ALNUM)


# words starting with a capital of the Latin, Greek or Cyrillic alphabets (checked again below)
# (the capital first and the look-behind after it, as in _NUMBER)
_CAPITALISED = re.compile(
    r"([A-ZÀ-ÖØ-ÞĀ-žΆ-ΫЀ-Я](?<!\w[A-ZÀ-ÖØ-ÞĀ-žΆ-ΫЀ-Я])[^\W_]*(?:[-'’][^\W\d_]+)*)"
)


def names(text: str) -> dict[str, str]:
    """Capitalised words of any script, not at a sentence start, by their :func:`latin_key`.

    Example:
        >>> sorted(names("Вчера Алексей Навальный сказал, что Reuters ошибся."))
        ['aleksey', 'navalnyy', 'reuters']
    """
    out: dict[str, str] = {}
    found = _CAPITALISED.finditer(text)
    next(found, None)  # the first capitalised word is taken for a sentence start
    for m in found:
        word = m.group(1)
        if len(word) < 3 or not word[0].isupper():
            continue
        start = m.start()
        before = text[max(0, start - 3) : start].rstrip()
        if not before or before[-1] in '.!?:«"“„':  # a sentence start
            continue
        key = latin_key(word)
        if len(key) >= 3:
            out.setdefault(key, word)
    return out


def same_name(key_a: str, key_b: str) -> bool:
    """Whether two :func:`latin_key` forms are one name, allowing case endings and spellings.

    Example:
        >>> same_name("navalnyy", "navalny"), same_name("navalnogo", "navalny")
        (True, True)
        >>> same_name("biden", "bidena"), same_name("morozov", "moscow")
        (True, False)
    """
    if key_a == key_b:
        return True
    short, long_ = sorted((key_a, key_b), key=len)
    common = 0
    for x, y in zip(short, long_, strict=False):
        if x != y:
            break
        common += 1
    # a shared stem with a case ending ("navaln-yy", "navaln-ogo") or a dropped final letter
    return common >= 5 and common >= len(short) - 2 and len(long_) - common <= 4


def carried_names(text_a: str, text_b: str) -> list[tuple[str, str]]:
    """Names of A found again in B, written in another script or with another ending.

    Pairs written identically are left out: only what a reader might not recognise.

    Example:
        >>> carried_names("Алексей Навальный", "Alexei Navalny said")
        [('Навальный', 'Navalny')]
    """
    na, nb = names(" " + text_a), names(" " + text_b)
    out = []
    used: set[str] = set()
    for ka, wa in na.items():
        for kb, wb in nb.items():
            if kb in used or wa == wb:
                continue
            if same_name(ka, kb):
                used.add(kb)
                if _script(wa) != _script(wb):
                    out.append((wa, wb))
                break
    return out


def _script(word: str) -> str:
    ch = next((c for c in word if c.isalpha()), "")
    return unicodedata.name(ch, "?").split()[0] if ch else ""


def number_keys(texts: Iterable[str]) -> set[str]:
    """Every number and date key of some texts (for language-agnostic fingerprints)."""
    return {k for t in texts for _, keys in numbers(t) for k in keys}

"""Changes worth a reader's eye: name variants, numbers, altered quotes, one-side-only text.

Works on an alignment and the two sentence lists; no model involved. For a translated pair
(``translated=True``) numbers, dates and names are matched through their language-agnostic
keys (:mod:`retold.pair.specifics`): ``45.000`` agrees with ``45,000``, ``14 марта`` with
``March 14``, and ``Навальный`` is reported as the transliteration of ``Navalny``; quotes are
not compared word for word across languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz

from retold.documents import Alignment, Change, ChangeKind, Link, Sentence
from retold.normalize import fold
from retold.pair.similarity import STOPWORDS

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?(?:,?\s+\d{{4}})?)\b"
)
_NUMBER = re.compile(
    r"(?<![\w.])(?:[$€£¥]\s?)?\d+(?:[,.]\d+)*(?:\s?(?:%|per\s?cent|percent))?"
    r"(?:\s?(?:million|billion|trillion|bn|m|k)\b)?"
)
_NAME = re.compile(r"\b[A-Z][\w'’-]*[a-z][\w'’-]*\b|\b[A-Z]{2,}\b")
_DOUBLE_QUOTE = re.compile(r'"([^"]{3,})"')
_SINGLE_QUOTE = re.compile(r"(?<!\w)'([^']{3,}?)'(?!\w)")


def _norm_number(text: str) -> str:
    t = text.lower().replace(" ", "")
    t = t.replace("percent", "%").replace("per cent", "%").replace("percent", "%")
    return t.replace(",", "")


def numbers(text: str) -> list[tuple[str, str]]:
    """Dates and numbers of a text as ``(as written, normalised)``; dates first, kept whole.

    Example:
        >>> numbers("On October 7, 1,200 died and 3.5% left")
        [('October 7', 'october 7'), ('1,200', '1200'), ('3.5%', '3.5%')]
    """
    found: list[tuple[int, str, str]] = []
    taken = []
    for m in _DATE.finditer(text):
        found.append((m.start(), m.group(), " ".join(m.group().lower().replace(",", "").split())))
        taken.append((m.start(), m.end()))
    for m in _NUMBER.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        found.append((m.start(), m.group().strip(), _norm_number(m.group())))
    found.sort()
    return [(w, n) for _, w, n in found]


def _names(text: str) -> dict[str, str]:
    """Capitalised words (possessives stripped) keyed by their casefolded form."""
    out: dict[str, str] = {}
    for m in _NAME.finditer(text):
        word = re.sub(r"['’]s?$", "", m.group())
        if word.lower() not in STOPWORDS and len(word) > 2:
            out.setdefault(word.casefold(), word)
    return out


def _quotes(text: str) -> list[str]:
    t = fold(text)
    return [q.strip() for q in _DOUBLE_QUOTE.findall(t) + _SINGLE_QUOTE.findall(t)]


def _join(sentences: Sequence[Sentence], idx: Iterable[int]) -> str:
    return " ".join(sentences[i].text for i in idx)


def _first(
    sentences: Sequence[Sentence], word: str | None, within: Sequence[int] | None = None
) -> int | None:
    """Index of the first sentence (of ``within``, if given) that contains ``word``."""
    pool = [sentences[i] for i in within] if within is not None else sentences
    if word is None:
        return pool[0].index if within is not None and pool else None
    hit = next((s.index for s in pool if word in s.text or word in fold(s.text)), None)
    return hit if hit is not None or within is None else pool[0].index


def name_variants(a_text: str, b_text: str) -> list[tuple[str, str]]:
    """Pairs of capitalised words spelled differently on the two sides.

    Example:
        >>> name_variants("former chief Ingrid Solbakk said", "former chief Ingrid Solbak said")
        [('Solbakk', 'Solbak')]
    """
    na, nb = _names(a_text), _names(b_text)
    words_a, words_b = set(fold(a_text).split()), set(fold(b_text).split())
    only_a = [w for k, w in na.items() if k not in nb and k not in words_b]
    only_b = [w for k, w in nb.items() if k not in na and k not in words_a]
    pairs = []
    used: set[str] = set()
    for wa in only_a:
        best, best_score = None, 0.0
        for wb in only_b:
            if wb in used or min(len(wa), len(wb)) < 4:
                continue
            score = fuzz.ratio(wa.lower(), wb.lower())
            if score > best_score:
                best, best_score = wb, score
        if best is not None and best_score >= 80:
            used.add(best)
            pairs.append((wa, best))
    return pairs


def _translated_changes(
    a: Sequence[Sentence], b: Sequence[Sentence], alignment: Alignment
) -> list[Change]:
    """Numbers, dates and names of linked sentences in two languages."""
    from retold.pair import specifics  # only translated pairs need it: keep it off cold starts

    changes: list[Change] = []
    agreed: set[frozenset[str]] = set()
    seen_names: set[tuple[str, str]] = set()
    for link in alignment.links:
        ta, tb = _join(a, link.a), _join(b, link.b)

        def at(wa: str | None, wb: str | None, link: Link = link) -> tuple[int | None, int | None]:
            return _first(a, wa, link.a), _first(b, wb, link.b)

        for wa, wb in specifics.carried_names(ta, tb):
            # one line per name of B: its case forms on side A ("Карельск", "Карельском") repeat it
            if wb not in {b_word for _, b_word in seen_names}:
                seen_names.add((wa, wb))
                changes.append(
                    Change(ChangeKind.NAME_VARIANT, wa, wb, *at(wa, wb), "transliteration")
                )
        left_b = specifics.numbers(tb)
        unmatched_a = []
        for written, keys in specifics.numbers(ta):
            hit = next((x for x in left_b if x[1] & keys), None)
            if hit is None:
                unmatched_a.append(written)
                continue
            left_b.remove(hit)
            if keys & hit[1] not in agreed:
                agreed.add(keys & hit[1])
                changes.append(
                    Change(ChangeKind.NUMBER_AGREES, written, hit[0], *at(written, hit[0]))
                )
        # a translation often writes a small number out in words, so a number on one side with
        # nothing left on the other is only missing; two left over in one link differ
        for wa_, (wb_, _) in zip(unmatched_a, left_b, strict=False):
            changes.append(Change(ChangeKind.NUMBER_DIFFERS, wa_, wb_, *at(wa_, wb_)))
        for wa_ in unmatched_a[len(left_b) :]:
            changes.append(
                Change(ChangeKind.NUMBER_DIFFERS, wa_, None, *at(wa_, None), "missing in B")
            )
        for wb_, _ in left_b[len(unmatched_a) :]:
            changes.append(
                Change(ChangeKind.NUMBER_DIFFERS, None, wb_, *at(None, wb_), "missing in A")
            )
    if alignment.links:
        text_a, text_b = _join(a, range(len(a))), _join(b, range(len(b)))
        for wa, wb in specifics.carried_names(text_a, text_b):
            if wb not in {b_word for _, b_word in seen_names}:
                seen_names.add((wa, wb))
                changes.append(
                    Change(
                        ChangeKind.NAME_VARIANT,
                        wa,
                        wb,
                        _first(a, wa),
                        _first(b, wb),
                        "transliteration",
                    )
                )
    return changes


def find_changes(
    a: Sequence[Sentence], b: Sequence[Sentence], alignment: Alignment, *, translated: bool = False
) -> tuple[Change, ...]:
    """Every change between linked sentences, then the one-side-only sentences.

    ``translated`` says the two sides are in different languages (see the module docstring).
    """
    changes = (_translated_changes if translated else _linked_changes)(a, b, alignment)
    for i in alignment.a_only:
        changes.append(Change(ChangeKind.ONE_SIDE_ONLY, a[i].text, None, i, None, str(a[i].kind)))
    for j in alignment.b_only:
        changes.append(Change(ChangeKind.ONE_SIDE_ONLY, None, b[j].text, None, j, str(b[j].kind)))
    return tuple(changes)


def _linked_changes(
    a: Sequence[Sentence], b: Sequence[Sentence], alignment: Alignment
) -> list[Change]:
    """Name variants, numbers and quotes of linked sentences in one language."""
    changes: list[Change] = []
    seen_names: set[tuple[str, str]] = set()
    agreed: set[str] = set()
    for link in alignment.links:
        ta, tb = _join(a, link.a), _join(b, link.b)

        def at(wa: str | None, wb: str | None, link: Link = link) -> tuple[int | None, int | None]:
            return _first(a, wa, link.a), _first(b, wb, link.b)

        for wa, wb in name_variants(ta, tb):
            if (wa, wb) not in seen_names:
                seen_names.add((wa, wb))
                changes.append(Change(ChangeKind.NAME_VARIANT, wa, wb, *at(wa, wb), "spelling"))
        na, nb = numbers(ta), numbers(tb)
        left_b = list(nb)
        unmatched_a = []
        for written, norm in na:
            hit = next((x for x in left_b if x[1] == norm), None)
            if hit is None:
                unmatched_a.append((written, norm))
                continue
            left_b.remove(hit)
            if norm not in agreed:
                agreed.add(norm)
                changes.append(
                    Change(ChangeKind.NUMBER_AGREES, written, hit[0], *at(written, hit[0]))
                )
        for (wa_, _), (wb_, _) in zip(unmatched_a, left_b, strict=False):
            changes.append(Change(ChangeKind.NUMBER_DIFFERS, wa_, wb_, *at(wa_, wb_)))
        for wa_, _ in unmatched_a[len(left_b) :]:
            changes.append(
                Change(ChangeKind.NUMBER_DIFFERS, wa_, None, *at(wa_, None), "missing in B")
            )
        for wb_, _ in left_b[len(unmatched_a) :]:
            changes.append(
                Change(ChangeKind.NUMBER_DIFFERS, None, wb_, *at(None, wb_), "missing in A")
            )
        qb = _quotes(tb)
        for q in _quotes(ta):
            if q in qb:
                continue
            best = max(qb, key=lambda x: fuzz.ratio(q, x), default=None)
            if best is not None and 50 <= fuzz.ratio(q, best) < 100:
                changes.append(
                    Change(ChangeKind.QUOTE_ALTERED, q, best, *at(q, best), "quote reworded")
                )
    if alignment.links:
        # a name may sit in sentences that were too reworded to link: pair the whole texts
        text_a, text_b = _join(a, range(len(a))), _join(b, range(len(b)))
        for wa, wb in name_variants(text_a, text_b):
            if (wa, wb) not in seen_names:
                seen_names.add((wa, wb))
                changes.append(
                    Change(
                        ChangeKind.NAME_VARIANT, wa, wb, _first(a, wa), _first(b, wb), "spelling"
                    )
                )
    return changes

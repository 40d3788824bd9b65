"""Language identification of article texts, offline.

Two steps, cheapest first:

1. The writing system decides where it alone names the language: kana means Japanese, Hangul
   Korean, Han characters without kana Chinese, Greek, Hebrew, Thai. Latin text in which English
   function words are frequent is English. Neither step loads anything, so comparing two English
   (or Chinese, or Japanese) articles costs nothing extra.
2. Everything else (other Latin-script languages, Cyrillic, Arabic, ...) goes to py3langid, a
   naive Bayes identifier over byte n-grams whose model (97 languages, 4.6 MB) ships inside its
   wheel. It is loaded on first use and kept for the process.

Codes are ISO 639-1 (``en``, ``ru``, ``zh``), ``und`` when a text has too few letters to tell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

UNDETERMINED = "und"
SAMPLE_CHARS = 4000  # identification reads the start of a text: enough for a clear signal
MIN_LETTERS = 8

# Words that are frequent in English running text and rare in every other Latin-script
# language (no "a", "in", "an", "die", "so": they are common words elsewhere too).
_ENGLISH_MARKERS = frozenset(
    """
    the of and to is was that for with as by from it he she they said has have were are
    which this his her their been will would not but who its had after
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_ENGLISH_SHARE = 0.1  # English running text has 25-40% of its words in that list, others < 5%
_LATIN_WORD = re.compile(r"[a-z\u00c0-\u024f]+")

_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("kana", "\u3040-\u30ff\u31f0-\u31ff"),
    ("han", "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"),
    ("hangul", "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"),
    ("greek", "\u0370-\u03ff"),
    ("hebrew", "\u0590-\u05ff"),
    ("thai", "\u0e00-\u0e7f"),
    ("cyrillic", "\u0400-\u04ff"),
    ("arabic", "\u0600-\u06ff\u0750-\u077f"),
    ("latin", "A-Za-z\u00c0-\u024f"),
)
_SCRIPT_RES = tuple((name, re.compile(f"[{chars}]")) for name, chars in _SCRIPTS)
# scripts that name one language on their own
_SCRIPT_LANGUAGE = {"hangul": "ko", "greek": "el", "hebrew": "he", "thai": "th"}


_NOT_ASCII_LETTER = bytes(b for b in range(128) if not chr(b).isalpha())
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


def script_counts(text: str) -> dict[str, int]:
    """Letters of ``text`` per writing system.

    Example:
        >>> script_counts("Tokyo 東京です")
        {'kana': 2, 'han': 2, 'latin': 5}
    """
    latin = len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTER))
    # most text of a Latin-script collection is ASCII: only the rest is sorted by script
    rest = "" if text.isascii() else _ASCII_RUNS.sub("", text)
    counts = {}
    for name, pattern in _SCRIPT_RES:
        n = len(pattern.findall(rest)) if rest else 0
        if name == "latin":
            n += latin
        if n:
            counts[name] = n
    return counts


def _by_script(counts: dict[str, int]) -> str | None:
    total = sum(counts.values())
    cjk = counts.get("han", 0) + counts.get("kana", 0)
    # a Han character carries a word or a syllable, a Latin letter much less: a third of the
    # letters in Han or kana is a text in Chinese or Japanese with some Latin names in it
    if cjk >= 0.3 * total:
        return "ja" if counts.get("kana", 0) >= 0.05 * cjk else "zh"
    top = max(counts, key=lambda k: counts[k])
    return _SCRIPT_LANGUAGE.get(top) if counts[top] >= 0.5 * total else None


def _looks_english(text: str) -> bool:
    # a marker is a whole run of Latin letters, so one tokenising pass and a set lookup count
    # the same words as searching for each marker with lookarounds, several times faster
    found = _LATIN_WORD.findall(text.lower())
    if len(found) < 4:
        return False
    markers = sum(1 for w in found if w in _ENGLISH_MARKERS)
    return markers >= _ENGLISH_SHARE * len(found)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in, or ``und``.

    Example:
        >>> detect_language("The minister said on Monday that the bridge will reopen.")
        'en'
        >>> detect_language("政府周三宣布，税收将降低。")
        'zh'
    """
    sample = text[:SAMPLE_CHARS]
    counts = script_counts(sample)
    if sum(counts.values()) < MIN_LETTERS:
        return UNDETERMINED
    by_script = _by_script(counts)
    if by_script is not None:
        return by_script
    if counts.get("latin", 0) >= 0.5 * sum(counts.values()) and _looks_english(sample[:1000]):
        return "en"
    code, _ = _identifier().classify(sample)
    return str(code)


def detect_languages(texts: Iterable[str]) -> list[str]:
    """:func:`detect_language` of each text."""
    return [detect_language(t) for t in texts]


# Standard languages that identifiers cannot reliably tell apart in news text, written alike:
# a Croatian article is often scored Bosnian, a Malay one Indonesian. For the question "are
# these two texts in different languages?" each group counts as one.
# Nigerian Pidgin is English-based: English news with scraped boilerplate is sometimes scored so.
_GROUPS = {
    "bs": "hr",
    "sr": "hr",
    "sh": "hr",
    "me": "hr",
    "ms": "id",
    "nb": "no",
    "nn": "no",
    "pcm": "en",
}


def same_group(language: str) -> str:
    """The code standing for ``language``'s group of near-identical written standards.

    Example:
        >>> same_group("bs"), same_group("fr")
        ('hr', 'fr')
    """
    return _GROUPS.get(language, language)


def differ(language_a: str, language_b: str) -> bool:
    """True when two detected languages are known and not the same (nor near-identical).

    Example:
        >>> differ("ru", "en"), differ("en", "en"), differ("und", "en"), differ("bs", "hr")
        (True, False, False, False)
    """
    if UNDETERMINED in (language_a, language_b):
        return False
    return same_group(language_a) != same_group(language_b)

"""Unicode normalisation that keeps character offsets meaningful.

``normalize_text`` is applied once when a document is read; every offset retold reports is an
offset into the normalised text. ``fold`` is a stronger, lossy form used only for comparing.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
_NEWLINES = re.compile(r"\r\n?|\u2028|\u2029|\x85")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
    }
)
_QUOTE_CHARS = re.compile("[" + "".join(map(chr, _QUOTES)) + "]")
_QUOTE_OF = {chr(k): v for k, v in _QUOTES.items()}
_WORD = re.compile(r"\w+(?:['’.,-]\w+)*", re.UNICODE)
_EDGE_PUNCTUATION = ".,;:!?\"'()[]"  # no word character: stripping them leaves a word whole


def normalize_text(text: str) -> str:
    """NFC, one newline style, no control characters, runs of spaces collapsed, lines stripped.

    Idempotent: ``normalize_text(normalize_text(t)) == normalize_text(t)``.

    Example:
        >>> normalize_text("Caf\\u0065\\u0301  prices\\r\\nrose\\u00a0 5%")
        'Café prices\\nrose 5%'
    """
    text = unicodedata.normalize("NFC", text)
    text = _NEWLINES.sub("\n", text)
    text = _CONTROL.sub("", text)
    # str.split() collapses every Unicode space at C speed; far faster than a regex pass
    out = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    # collapse three or more newlines into one blank line
    return re.sub(r"\n{3,}", "\n\n", out)


def fold(text: str) -> str:
    """Lossy form for comparison: straight quotes and dashes, casefolded, single spaces.

    Example:
        >>> fold("\\u201cIt\\u2019s  OK\\u201d \\u2014 he said")
        '"it\\'s ok" - he said'
    """
    if text.isascii():  # NFKC and the quote table leave ASCII as it is
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKC", text)
    if _QUOTE_CHARS.search(text):  # a dict translate walks every character in Python
        text = _QUOTE_CHARS.sub(lambda m: _QUOTE_OF[m.group()], text)
    return " ".join(text.casefold().split())


def words(text: str) -> list[str]:
    """Folded word tokens; numbers such as ``1,200`` and names such as ``al-Arouri`` stay whole.

    Example:
        >>> words("Killing 1,200 people, al-Arouri said.")
        ['killing', '1,200', 'people', 'al-arouri', 'said']
    """
    return folded_words(fold(text))


def folded_words(folded: str) -> list[str]:
    """``words`` of a text already folded (callers that keep the folded text too)."""
    out: list[str] = []
    for piece in folded.split(" "):
        # most pieces are a word with punctuation around it: a word without the regex
        core = piece.strip(_EDGE_PUNCTUATION)
        if core.isalnum():  # the same characters as the regex's \w, less the underscore
            out.append(core)
        elif core:
            out.extend(_WORD.findall(piece))
    return out

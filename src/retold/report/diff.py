"""Word-level differences between two strings, for highlighting inside linked sentences.

The diff works on tokens (runs of word characters, single punctuation marks and runs of
whitespace) and never loses a character: joining the ``a`` parts gives back ``a`` exactly, and
joining the ``b`` parts gives back ``b``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["equal", "replace", "delete", "insert"]
Part = tuple[Op, str, str]

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
# an equal run this short between two changes reads better folded into the change around it
_SHORT_EQUAL = 3


def tokenize(text: str) -> list[str]:
    """Split text into words, single punctuation marks and whitespace runs.

    Example:
        >>> tokenize("Solbakk said: 1,200.")
        ['Solbakk', ' ', 'said', ':', ' ', '1', ',', '200', '.']
    """
    return _TOKEN.findall(text)


def word_diff(a: str, b: str) -> list[Part]:
    """Word-level diff of ``a`` and ``b`` as ``(op, a_text, b_text)`` parts.

    ``op`` is ``equal`` (the same text on both sides), ``replace``, ``delete`` (text of ``a``
    only; ``b_text`` is empty) or ``insert`` (text of ``b`` only; ``a_text`` is empty). Whitespace
    never anchors a match on its own, and a lone short word or space left between two changes is
    folded into them, so a reworded phrase comes out as one replacement, not confetti.

    Example:
        >>> word_diff("Ann Solbakk ran.", "Ann Solbak ran.")
        [('equal', 'Ann ', 'Ann '), ('replace', 'Solbakk', 'Solbak'), ('equal', ' ran.', ' ran.')]
        >>> word_diff("a b", "a")
        [('equal', 'a', 'a'), ('delete', ' b', '')]
    """
    ta, tb = tokenize(a), tokenize(b)
    matcher = SequenceMatcher(lambda t: t.isspace(), ta, tb, autojunk=False)
    raw: list[Part] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        raw.append((_op(tag), "".join(ta[i1:i2]), "".join(tb[j1:j2])))
    return _merge(_fold_short_equals(raw))


def _op(tag: str) -> Op:
    if tag == "equal":
        return "equal"
    if tag == "delete":
        return "delete"
    if tag == "insert":
        return "insert"
    return "replace"


def _fold_short_equals(parts: Sequence[Part]) -> list[Part]:
    out: list[Part] = []
    for k, part in enumerate(parts):
        op, pa, pb = part
        between_changes = 0 < k < len(parts) - 1 and parts[k - 1][0] != "equal"
        between_changes = between_changes and parts[k + 1][0] != "equal"
        if op == "equal" and between_changes and len(pa.strip()) <= _SHORT_EQUAL:
            out.append(("replace", pa, pb))
        else:
            out.append(part)
    return out


def _merge(parts: Sequence[Part]) -> list[Part]:
    """Join neighbouring changes into one part; drop empty parts."""
    out: list[Part] = []
    for op, pa, pb in parts:
        if not pa and not pb:
            continue
        if out and op != "equal" and out[-1][0] != "equal":
            _, qa, qb = out.pop()
            pa, pb = qa + pa, qb + pb
            op = "replace" if pa and pb else ("delete" if pa else "insert")
        out.append((op, pa, pb))
    return out


def side_segments(parts: Sequence[Part], side: Literal["a", "b"]) -> list[tuple[str, bool]]:
    """One side of a diff as ``(text, changed)`` pieces that join back to that side's text.

    Whitespace at either end of a changed piece is returned as unchanged, so highlighting
    covers words, not the spaces around them.

    Example:
        >>> side_segments(word_diff("red car", "blue car"), "b")
        [('blue', True), (' car', False)]
        >>> side_segments(word_diff("a big dog", "a dog"), "a")
        [('a ', False), ('big', True), (' ', False), ('dog', False)]
    """
    out: list[tuple[str, bool]] = []
    for op, pa, pb in parts:
        text = pa if side == "a" else pb
        if not text:
            continue
        if op == "equal":
            out.append((text, False))
            continue
        core = text.strip()
        if not core:
            out.append((text, True))
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        out.extend(piece for piece in ((lead, False), (core, True), (trail, False)) if piece[0])
    return out


def cut_segments(
    segments: Sequence[tuple[str, bool]], spans: Sequence[tuple[int, int]]
) -> list[list[tuple[str, bool]]]:
    """Cut ``(text, changed)`` pieces of a joined string into the pieces of each span.

    Used to show a diff computed over several joined sentences sentence by sentence; text
    between spans (the joining separator) is dropped.

    Example:
        >>> cut_segments([("ab", False), ("cd", True)], [(0, 1), (2, 4)])
        [[('a', False)], [('cd', True)]]
    """
    out: list[list[tuple[str, bool]]] = []
    for start, end in spans:
        pieces: list[tuple[str, bool]] = []
        pos = 0
        for text, changed in segments:
            lo, hi = max(start, pos), min(end, pos + len(text))
            if lo < hi:
                pieces.append((text[lo - pos : hi - pos], changed))
            pos += len(text)
        out.append(pieces)
    return out

"""How a copy was rewritten, in numbers and plain words: reworded, condensed, merged, reordered,
added, restyled. Pure: works on an alignment and the two sentence lists.

The copy is the side the direction names; with no direction, B is described against A.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from retold.documents import Alignment, Link, LinkKind, Rewriting, Segmented
from retold.pair.verdict import PERIPHERAL

_WORD = re.compile(r"\w+")
_PERSONAL = frozenset(
    ["i", "we", "you", "us", "our", "your", "my", "me", "ourselves", "yourselves"]
)


def _reordered(links: Sequence[Link]) -> tuple[int, int]:
    """Links out of the source's reading order, and the passages (runs) they form.

    Links are taken in the copy's order; those outside a longest increasing run of source
    positions are out of order, and consecutive ones count as one moved passage.
    """
    if not links:
        return 0, 0
    heads = [link.a[0] for link in links]
    # patience sorting: longest strictly increasing subsequence, remembering its members
    tails: list[int] = []
    tail_at: list[int] = []
    prev = [-1] * len(heads)
    for k, h in enumerate(heads):
        pos = bisect_left(tails, h)
        if pos == len(tails):
            tails.append(h)
            tail_at.append(k)
        else:
            tails[pos] = h
            tail_at[pos] = k
        prev[k] = tail_at[pos - 1] if pos else -1
    keep: set[int] = set()
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        keep.add(k)
        k = prev[k]
    moved = [k not in keep for k in range(len(heads))]
    passages = sum(1 for k, m in enumerate(moved) if m and (k == 0 or not moved[k - 1]))
    return sum(moved), passages


def _style(seg: Segmented) -> dict[str, float]:
    body = [s.text for s in seg.sentences if s.kind not in PERIPHERAL] or [seg.text]
    words = [w for t in body for w in _WORD.findall(t)]
    n_words = max(1, len(words))
    return {
        "words_per_sentence": n_words / len(body),
        "exclamations": sum(t.count("!") for t in body) / len(body),
        "questions": sum(t.rstrip().endswith("?") for t in body) / len(body),
        "personal": sum(w.lower() in _PERSONAL for w in words) / n_words,
        "capitals": sum(len(w) > 1 and w.isupper() and w.isalpha() for w in words) / n_words,
    }


def _style_changes(source: Segmented, copy: Segmented) -> list[str]:
    s, c = _style(source), _style(copy)
    out = []
    ratio = c["words_per_sentence"] / max(1.0, s["words_per_sentence"])
    if ratio <= 0.75 or ratio >= 1.33:
        out.append(
            f"sentences {'shorter' if ratio < 1 else 'longer'} "
            f"({s['words_per_sentence']:.0f} → {c['words_per_sentence']:.0f} words)"
        )
    if c["exclamations"] - s["exclamations"] >= 0.1:
        out.append("more exclamations")
    if c["questions"] - s["questions"] >= 0.1:
        out.append("more questions")
    if c["personal"] - s["personal"] >= 0.01:
        out.append("more first and second person (commentary)")
    if c["capitals"] - s["capitals"] >= 0.01:
        out.append("more words in capitals")
    return out


def _chars(seg: Segmented, indices: Sequence[int] | None = None) -> int:
    idx = range(len(seg.sentences)) if indices is None else indices
    return sum(len(seg.sentences[i].text) for i in idx if seg.sentences[i].kind not in PERIPHERAL)


def _body(seg: Segmented, indices: Sequence[int]) -> int:
    return sum(1 for i in indices if seg.sentences[i].kind not in PERIPHERAL)


def describe(a: Segmented, b: Segmented, alignment: Alignment, source: str | None) -> Rewriting:
    """What the copy did to its source.

    Example:
        >>> from retold.documents import Document, Link, Alignment
        >>> from retold.segment import segment
        >>> a = segment(Document("a", "One fact. Two facts. Three facts. Four facts."))
        >>> b = segment(Document("b", "One fact and two facts. Four facts. Wow!"))
        >>> al = Alignment((Link((0, 1), (0,), 0.8), Link((3,), (1,), 0.9)), (2,), (2,))
        >>> r = describe(a, b, al, "a")
        >>> r.merged, r.added, r.dropped, r.style[-1]
        (1, 1, 1, 'more exclamations')
    """
    copy_is_a = source == "b"
    src, cpy = (b, a) if copy_is_a else (a, b)
    links = [
        Link(lk.b, lk.a, lk.similarity, lk.kind, lk.moved) if copy_is_a else lk
        for lk in alignment.links
    ]
    only_src = alignment.b_only if copy_is_a else alignment.a_only
    only_cpy = alignment.a_only if copy_is_a else alignment.b_only
    total = close = 0
    merged = split = 0
    for lk in links:
        chars = _chars(src, lk.a) + _chars(cpy, lk.b)
        total += chars
        if lk.kind != LinkKind.REWORDED:
            close += chars
        if len(lk.a) > len(lk.b):
            merged += len(lk.a) - len(lk.b)
        elif len(lk.b) > len(lk.a):
            split += len(lk.b) - len(lk.a)
    in_copy_order = sorted(links, key=lambda lk: lk.b[0])
    moved_links, moved_passages = _reordered(in_copy_order)
    ratio = _chars(cpy) / max(1, _chars(src))
    added, dropped = _body(cpy, only_cpy), _body(src, only_src)
    reworded = 1.0 - close / total if total else 0.0
    style = _style_changes(src, cpy)

    words = []
    if total:
        words.append("reworded" if reworded >= 0.5 else "lightly edited")
    if ratio <= 0.9:
        words.append(f"condensed to {ratio:.0%} of the source")
    elif ratio >= 1.1:
        words.append(f"expanded to {ratio:.0%} of the source")
    if merged:
        words.append(f"{merged} sentence{'s' if merged != 1 else ''} merged")
    if split:
        words.append(f"{split} sentence{'s' if split != 1 else ''} split")
    if moved_passages:
        words.append(f"{moved_passages} passage{'s' if moved_passages != 1 else ''} reordered")
    if added:
        words.append(f"{added} sentence{'s' if added != 1 else ''} added")
    if dropped:
        words.append(f"{dropped} dropped")
    if style:
        words.append("style: " + "; ".join(style))
    return Rewriting(
        copy="a" if copy_is_a else "b",
        reworded_share=reworded,
        length_ratio=ratio,
        merged=merged,
        split=split,
        reordered=moved_links,
        reordered_passages=moved_passages,
        added=added,
        dropped=dropped,
        style=tuple(style),
        summary=", ".join(words),
    )

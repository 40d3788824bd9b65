"""Paragraph-aware sentence segmentation with caption, credit and heading detection.

Sentences keep character offsets into the document text. Paragraphs are blank-line blocks; a
single newline also starts a paragraph unless it merely wraps a sentence (the next line starts in
lower case after a line with no closing punctuation).

nupunkt finds sentence ends in text that separates words with spaces. Two repairs make it fit
the other languages of news: Chinese and Japanese sentences end with 。！？ and no space, so those
marks split a span wherever they stand outside quotes and brackets; and a span that ends in an
abbreviation (``г.``, ``млн.``, ``npr.``, ``tj.``, ``z. B.``), an initial or a day number before a
month (``3. März``, ``15. ožujka``) joins the span after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import nupunkt

from retold.documents import Document, Segmented, Sentence, SentenceKind

_TERMINAL = re.compile(r"[.!?:;\"'”’)\]。！？」』）]\s*$")
# "(credit: REUTERS/Stringer)", "(Photo: AP)", "(Image credit: ...)", "Photo by X/Getty Images"
_CREDIT_PAREN = re.compile(
    r"\((?:photo|image|picture|video)?\s*(?:credits?|photo|image|picture|source)\s*:[^)]{1,120}\)\s*$",
    re.IGNORECASE,
)
_CREDIT_START = re.compile(
    r"(?:(?:photo|image|picture|video|graphic)s?\s*(?:credit)?\s*(?:by|:)|credit\s*:)",
    re.IGNORECASE,
)
_CREDIT_ANYWHERE = re.compile(
    r"getty images|reuters/|\bap photo\b|afp via getty|/afp\b|shutterstock|epa-efe", re.IGNORECASE
)
# plain substrings that every _CREDIT_ANYWHERE match of an ASCII text holds, once lower-cased
_CREDIT_WORDS = ("getty images", "reuters/", "ap photo", "afp", "shutterstock", "epa-efe")
_CLOSED = re.compile(r"[.!?。！？]['\"”’)」』）]?$")
_BOILERPLATE = re.compile(
    r"^(?:advertisement|read more\b|related\b:|share this|follow us|sign up|subscribe"
    r"|click here|copyright\b|©|all rights reserved|\(?reporting by\b|editing by\b)",
    re.IGNORECASE,
)
_MAX_HEADING_WORDS = 14
_LIST_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")


def _is_name_list(text: str) -> bool:
    """A line that lists names (a team sheet, a cast or a squad): at least four separators and
    nearly every word capitalised. Everyone copies such a list from the same announcement, so
    it is no evidence that one story copies another.

    Example:
        >>> _is_name_list("A Smith; B Jones, C Brown, D Green (capt), E White.")
        True
        >>> _is_name_list("Leaders from France, Germany, Italy, Spain and Poland met on Monday.")
        False
    """
    if text.count(",") + text.count(";") < 4:  # most sentences end here, at C speed
        return False
    words = _LIST_TOKEN.findall(text)
    if len(words) < 6:
        return False
    lower = sum(1 for w in words if w[0].islower())
    return lower <= 0.1 * len(words)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Spans of paragraphs: blank-line blocks, split further at newlines that end a line.

    Example:
        >>> t = "Title line\\nA first sentence.\\nA second one.\\n\\nNext one."
        >>> [t[s:e] for s, e in paragraph_spans(t)]
        ['Title line', 'A first sentence.', 'A second one.', 'Next one.']
    """
    spans: list[tuple[int, int]] = []
    for block in re.finditer(r"[^\n](?:.|\n(?!\s*\n))*", text):
        start = block.start()
        pos = start
        lines = block.group().split("\n")
        wrapped = _hard_wrapped(lines)
        for k, line in enumerate(lines):
            end_of_line = pos + len(line)
            nxt = lines[k + 1] if k + 1 < len(lines) else None
            if nxt is None or (not wrapped and _ends_line(line, nxt)):
                if text[start:end_of_line].strip():
                    spans.append((start, end_of_line))
                start = end_of_line + 1
            pos = end_of_line + 1
    return spans


def _hard_wrapped(lines: list[str]) -> bool:
    """A block of three or more lines, most of them ending mid-sentence, is wrapped prose:
    only blank lines separate its paragraphs."""
    if len(lines) < 3:
        return False
    open_ended = sum(1 for line in lines[:-1] if not _TERMINAL.search(line))
    return open_ended >= 0.6 * (len(lines) - 1)


def _ends_line(line: str, nxt: str) -> bool:
    stripped = nxt.lstrip()
    if not stripped:
        return True
    if _TERMINAL.search(line):
        return True
    # a short line without closing punctuation followed by a capitalised line is a heading
    return len(line.split()) <= _MAX_HEADING_WORDS and not stripped[0].islower()


def classify(text: str, *, alone_in_paragraph: bool) -> SentenceKind:
    """Tell captions, credit lines, boilerplate and headings from running text.

    Example:
        >>> caption = "Leaders shake hands in Ankara (credit: REUTERS/Stringer)"
        >>> classify(caption, alone_in_paragraph=False)
        <SentenceKind.CAPTION: 'caption'>
        >>> classify("Photo: AP", alone_in_paragraph=True)
        <SentenceKind.CREDIT: 'credit'>
    """
    stripped = text.strip()
    n_words = len(stripped.split())
    # the cheap tests first: a credit in brackets closes the line, the others are short
    if stripped.endswith(")") and _CREDIT_PAREN.search(stripped):
        body = _CREDIT_PAREN.sub("", stripped).strip()
        return SentenceKind.CAPTION if len(body.split()) >= 3 else SentenceKind.CREDIT
    if n_words <= 30 and _is_credit_line(stripped):
        return SentenceKind.CREDIT if n_words <= 8 else SentenceKind.CAPTION
    if n_words <= 20 and _BOILERPLATE.search(stripped):
        return SentenceKind.BOILERPLATE
    if _is_name_list(stripped):
        return SentenceKind.BOILERPLATE
    if alone_in_paragraph and n_words <= _MAX_HEADING_WORDS and not _CLOSED.search(stripped):
        return SentenceKind.HEADING
    return SentenceKind.BODY


def _is_credit_line(text: str) -> bool:
    """A photo credit: it starts like one or names a picture agency."""
    if _CREDIT_START.match(text):
        return True
    if text.isascii():  # a scan for six plain substrings, far faster than the regex
        low = text.lower()
        if not any(w in low for w in _CREDIT_WORDS):
            return False
    return _CREDIT_ANYWHERE.search(text) is not None


def _split_credit(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a span where a caption with a credit is glued after a finished sentence."""
    chunk = text[start:end]
    if "(" not in chunk or not _CREDIT_PAREN.search(chunk):
        yield start, end
        return
    # the caption starts after the last sentence end that precedes it by a few words
    cut = None
    for m in re.finditer(r"[.!?]['\"”’]?\s+(?=[A-Z\"'“‘])", chunk):
        if len(chunk[m.end() :].split()) >= 4:
            cut = m.end()
    if cut is None:
        yield start, end
    else:
        yield start, start + cut
        yield start + cut, end


# Abbreviations that stand before a name or another word, never at the end of a sentence
# (lower case, without the dot). Units and counts (``млн.``, ``руб.``, ``tis.``) often end a
# sentence, so they join the next span only when it goes on in lower case.
_ABBREVIATIONS = frozenset(
    """
    ул им пр просп пл акад проф доц св т ср см тов гр ген
    dr npr tj tzv sv prof gosp ing dipl mr odn
    z bzw vgl ca nr hr fr st evtl ggf inkl u
    m mme mlle av bd ste env
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_GERMAN_MONTHS = frozenset(
    """
    Januar Jänner Februar März April Mai Juni Juli August September Oktober November Dezember
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_TOKEN_OPENERS = frozenset("([«„“\"'")


def _last_token(p: str) -> str:
    """The word before the final dot of ``p``, after the last space or opening mark.

    Example:
        >>> _last_token("He met (Dr."), _last_token("in the U.S."), _last_token("“.")
        ('Dr', 'U.S', '')
    """
    end = len(p) - 1
    i = end
    while i > 0 and not (p[i - 1].isspace() or p[i - 1] in _TOKEN_OPENERS):
        i -= 1
    return p[i:end]


_CJK_ENDS = "。！？"
_CJK_END = re.compile(f"[{_CJK_ENDS}]")
_CJK_OPEN = "「『（“‘《【〈"
_CJK_CLOSE = "」』）”’》】〉"


def _joins_next(piece: str, following: str) -> bool:
    """Whether a span ending in a dot is cut short: an abbreviation, an initial or a day."""
    p, n = piece.rstrip(), following.lstrip()
    if not p.endswith(".") or not n:
        return False
    token = _last_token(p)
    if token.isdecimal() and len(token) <= 2 and 1 <= int(token) <= 31:
        # a day written as an ordinal: "15. ožujka", "3. března" (months in lower case) or
        # German "3. März"; "on December 12. It" ends a sentence
        word = n.split(maxsplit=1)[0].rstrip(".,;:")
        return n[0].islower() or word in _GERMAN_MONTHS
    if len(token) == 1 and token.isalpha() and token.isupper():
        return True  # an initial: "А. С. Иванов"
    if token.lower() in _ABBREVIATIONS:
        return True
    # no sentence starts in lower case: a short word before one is an abbreviation
    return n[0].islower() and len(token) <= 5 and token.isalpha()


def _join_abbreviations(para: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and _joins_next(para[out[-1][0] : out[-1][1]], para[s:e]):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _split_cjk(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a span after 。！？ standing outside quotes and brackets (Chinese, Japanese).

    Inside 「…」 or “…” the mark ends the quoted sentence, not the one that carries the quote
    (``「本当か？」と彼は言った。`` is one sentence), unless a space follows it.
    """
    chunk = text[start:end]
    if chunk.isascii() or not _CJK_END.search(chunk):
        yield start, end
        return
    depth = last = i = 0
    while i < len(chunk):
        ch = chunk[i]
        if ch in _CJK_OPEN:
            depth += 1
        elif ch in _CJK_CLOSE:
            depth = max(0, depth - 1)
        elif ch in _CJK_ENDS and (depth == 0 or chunk[i + 1 : i + 2].isspace()):
            j = i + 1
            while j < len(chunk) and chunk[j] in _CJK_ENDS + "!?" + _CJK_CLOSE:
                j += 1
            if chunk[j:].strip():
                yield start + last, start + j
                last = j
            i = j
            continue
        i += 1
    yield start + last, end


def sentence_spans(text: str) -> Iterator[tuple[int, int, int]]:
    """Yield ``(start, end, paragraph)`` for each sentence, whitespace trimmed."""
    for p, (ps, pe) in enumerate(paragraph_spans(text)):
        para = text[ps:pe]
        for s, e in _join_abbreviations(para, nupunkt.sent_spans(para)):
            for cs, ce in _split_credit(para, s, e):
                for xs, xe in _split_cjk(para, cs, ce):
                    piece = para[xs:xe]
                    lead = len(piece) - len(piece.lstrip())
                    trail = len(piece) - len(piece.rstrip())
                    if xe - trail > xs + lead:
                        yield ps + xs + lead, ps + xe - trail, p


def segment(document: Document) -> Segmented:
    """Split a document into classified sentences.

    Example:
        >>> seg = segment(Document("x", "Storm hits coast\\n\\nThe storm hit at 5 a.m. Two died."))
        >>> [str(s.kind) for s in seg.sentences]
        ['heading', 'body', 'body']
        >>> seg.sentences[1].text
        'The storm hit at 5 a.m.'
    """
    text = document.text
    spans = list(sentence_spans(text))
    per_paragraph: dict[int, int] = {}
    for _, _, p in spans:
        per_paragraph[p] = per_paragraph.get(p, 0) + 1
    sentences = tuple(
        Sentence(
            index=i,
            start=s,
            end=e,
            text=text[s:e],
            paragraph=p,
            kind=classify(text[s:e], alone_in_paragraph=per_paragraph[p] == 1),
        )
        for i, (s, e, p) in enumerate(spans)
    )
    return Segmented(document=document, sentences=sentences)


def segment_all(documents: Iterable[Document]) -> Iterator[Segmented]:
    """The segmentation stage: documents in, segmented documents out."""
    for document in documents:
        yield segment(document)

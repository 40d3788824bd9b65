"""Markdown to plain article text, and the headline of a plain-text article.

:func:`markdown_to_text` returns paragraphs separated by blank lines, which is what
segmentation expects; HTML pages are read by :mod:`retold.readers.html`.
"""

from __future__ import annotations

import re

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_TITLE = re.compile(r"^title\s*:\s*(.+?)\s*$", re.M | re.I)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_RAW_BLOCK = re.compile(
    r"<(script|style|noscript|template|iframe)\b.*?(?:</\1\s*>|\Z)", re.S | re.I
)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_IMAGE = re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])")
_LINK = re.compile(r"\[([^\]]*)\](?:\((?:[^()]|\([^)]*\))*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_CODE = re.compile(r"(`+)(.+?)\1")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
# underscores inside words (snake_case, file_names) are not emphasis
_EM_UNDER = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_BLOCK_TAGS = re.compile(
    r"</?(?:p|div|br|h[1-6]|li|ul|ol|blockquote|section|article)\b[^>]*>", re.I
)


_GONE = "\x1a"


def _inline(line: str) -> str:
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(r"\1", line)
    line = _CODE.sub(r"\2", line)
    line = _STRONG.sub(r"\2", line)
    line = _EM_STAR.sub(r"\1", line)
    line = _EM_UNDER.sub(r"\1", line)
    line = _STRIKE.sub(r"\1", line)
    line = _TAG.sub("", line)
    return _ESCAPE.sub(r"\1", line)


def markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """Strip Markdown syntax; return ``(text, title)``.

    Headings become paragraphs of their own, links keep their text, images, HTML comments and
    raw HTML blocks are dropped, and emphasis markers are removed. The title is the front
    matter's ``title`` or else the first level-1 heading.

    Example:
        >>> text, title = markdown_to_text("# Storm *hits*\\nRain fell [all day](http://x.org).")
        >>> print(text)
        Storm hits
        <BLANKLINE>
        Rain fell all day.
        >>> title
        'Storm hits'
    """
    title: str | None = None
    fm = _FRONT_MATTER.match(markdown)
    if fm:
        t = _FRONT_TITLE.search(fm.group(1))
        if t:
            title = t.group(1).strip().strip("\"'") or None
        markdown = markdown[fm.end() :]
    # dropped material leaves a marker so that a line holding only it vanishes instead of
    # turning into a blank line that would split its paragraph
    markdown = _HTML_COMMENT.sub(_GONE, markdown)
    markdown = _RAW_BLOCK.sub(_GONE, markdown)
    markdown = _BLOCK_TAGS.sub("\n", markdown)

    out: list[str] = []
    lines = markdown.split("\n")
    for k, raw in enumerate(lines):
        if _FENCE.match(raw) or _REF_DEF.match(raw) or _TABLE_RULE.match(raw):
            continue
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        if raw.strip() and not _LIST.match(raw) and _SETEXT.match(nxt) and not _RULE.match(raw):
            heading = _inline(_QUOTE.sub("", raw)).strip()
            if title is None and nxt.strip().startswith("="):
                title = heading
            out.extend(["", heading, ""])
            continue
        if _SETEXT.match(raw) and out and out[-1] == "":
            continue  # the underline of the setext heading just emitted
        if _RULE.match(raw):
            out.append("")
            continue
        line = _QUOTE.sub("", raw)
        atx = _ATX.match(line)
        if atx:
            heading = _inline(atx.group(2)).strip()
            if title is None and len(atx.group(1)) == 1 and heading:
                title = heading
            out.extend(["", heading, ""])
            continue
        line = _inline(_LIST.sub("", line)).replace(_GONE, "")
        if line.strip() or not raw.strip():
            out.append(line)
    text = "\n".join(out).replace(_GONE, "")
    text = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)
    return text.strip(), title


HEADLINE_MAX_CHARS = 160
# a one-line opening paragraph ending like a sentence is a lede, not a headline
_SENTENCE_END = (".", ",", ";", ":")


def text_headline(text: str) -> str | None:
    """The headline of a plain-text article: its first line, when that line stands alone.

    A first paragraph of a single line, at most 160 characters, not ending like a sentence
    (``.``, ``,``, ``;``, ``:``; a trailing ellipsis is fine) and followed by more text is taken
    as the headline; it stays in the text too.

    Example:
        >>> text_headline("Ferry runs aground\\n\\nA ferry ran aground on Saturday.")
        'Ferry runs aground'
        >>> text_headline("A ferry ran aground.\\n\\nAll were rescued.") is None
        True
    """
    first, sep, rest = text.strip().partition("\n\n")
    first = first.strip()
    if not sep or not rest.strip() or "\n" in first:
        return None
    trailing = first.endswith(_SENTENCE_END) and not first.endswith(("...", "…"))
    if len(first) > HEADLINE_MAX_CHARS or trailing:
        return None
    return " ".join(first.split()) or None

"""Bytes to text: BOM-aware UTF-8 first, then a detected legacy encoding, never silent garbage.

Every reader goes through :func:`decode_bytes`, so a file and a record in a collection fail the
same way and with the same words.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from retold.errors import InputError

log = logging.getLogger("retold.readers")

SNIFF_BYTES = 8192
# share of control bytes (other than tab, newlines, form feed, escape) that marks a binary file
MAX_CONTROL_SHARE = 0.10

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive, or a .docx/.xlsx/.epub file"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PAR1", "a Parquet file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"
# legacy encodings worth preferring when charset-normalizer scores several alike: cp1252 is
# by far the most common non-UTF-8 encoding of Western news text
_PREFERRED = ("cp1252", "iso8859_1", "iso8859_15")
_MULTIBYTE = ("cp932", "shift_jis", "euc", "cp949", "johab", "gb", "big5", "cp950", "hz", "iso2022")
MIN_MULTIBYTE_SHARE = 0.05
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True, slots=True)
class DecodeInfo:
    """How bytes were turned into text.

    Attributes:
        encoding: Python codec name that was used, e.g. ``utf-8`` or ``cp1252``.
        bom: True when a byte order mark decided the encoding.
        detected: True when the encoding was guessed (not UTF-8, not from a BOM).
    """

    encoding: str
    bom: bool = False
    detected: bool = False


def human_size(n: int) -> str:
    """Sizes the way people say them.

    Example:
        >>> human_size(25_300_000), human_size(2_048), human_size(12)
        ('25.3 MB', '2 KB', '12 bytes')
    """
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}".removesuffix(".0") + " MB"
    if n >= 1_000:
        return f"{n / 1_000:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks binary, or None for text. Call after BOM handling (UTF-16 has NULs).

    Example:
        >>> binary_reason(b"%PDF-1.7 ...")
        'a PDF document'
        >>> binary_reason("Plain words.\\n".encode()) is None
        True
    """
    head = data[:SNIFF_BYTES]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if b"\x00" in head:
        return "NUL bytes in the first 8 KB"
    if head:
        # deleting the control bytes counts them in one pass
        share = (len(head) - len(head.translate(None, _CONTROL_BYTES))) / len(head)
        if share > MAX_CONTROL_SHARE:
            return f"{share:.0%} control bytes in the first 8 KB"
    return None


def _bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by its NUL byte on every other position (ASCII-heavy text)."""
    head = data[: SNIFF_BYTES - SNIFF_BYTES % 2]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    try:
        return codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    sample = data[:1_000_000]
    matches = list(from_bytes(sample))
    high = sum(1 for b in sample if b >= 0x80) / max(len(sample), 1)
    if high < MIN_MULTIBYTE_SHARE:
        # text in a CJK multi-byte encoding is dense with high bytes; a few stray ones (a
        # pound sign in English text) mean a single-byte code page
        single = [m for m in matches if not m.encoding.startswith(_MULTIBYTE)]
        matches = single or matches
    if not matches:
        return None
    best = matches[0]
    # near ties between single-byte code pages are common on short texts; break them toward
    # the encodings news text is most often in
    ties = [
        m for m in matches if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.02
    ]
    for preferred in _PREFERRED:
        for m in ties:
            if preferred in (m.encoding, *m.could_be_from_charset):
                return preferred
    return str(best.encoding)


def decode_bytes(data: bytes, name: str, *, html: bool = False) -> tuple[str, DecodeInfo]:
    """Decode a file's bytes, or raise an InputError that says how to fix the file.

    Args:
        data: The raw bytes.
        name: How to call the input in messages (a path, ``stdin``, a record id).
        html: Also honour a ``<meta charset>`` declaration before guessing.

    Example:
        >>> decode_bytes("Café".encode("cp1252"), "menu.txt")
        ('Café', DecodeInfo(encoding='cp1252', bom=False, detected=True))
    """
    bom = _bom(data)
    if bom is not None:
        try:
            return data.decode(bom).removeprefix("\ufeff"), DecodeInfo(bom, bom=True)
        except UnicodeDecodeError as e:
            raise InputError(
                f"{name} starts with a {bom.upper()} byte order mark but is not valid {bom.upper()}"
                f" ({e.reason} at byte {e.start}); re-save it as UTF-8"
            ) from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), DecodeInfo(utf16, detected=True)
        except UnicodeDecodeError:
            pass
    why = binary_reason(data)
    if why is not None:
        raise InputError(f"{name} looks binary ({why}); pass a text, HTML or Markdown file")
    try:
        return data.decode("utf-8"), DecodeInfo("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [_declared_charset(data)] if html else []
    candidates.append(_detect(data))
    for encoding in candidates:
        if encoding is None:
            continue
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        log.warning("%s is not UTF-8; read it as %s", name, encoding)
        return text, DecodeInfo(encoding, detected=True)
    raise InputError(
        f"{name} is not valid UTF-8 and its encoding could not be detected;"
        " convert it with iconv -f ENCODING -t UTF-8"
    )

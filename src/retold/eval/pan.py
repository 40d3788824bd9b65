"""PAN text-alignment corpora: suspicious and source documents with XML annotations.

Each annotation file looks like::

    <document reference="suspicious-document00001.txt">
      <feature name="plagiarism" this_offset="5" this_length="120"
               source_reference="source-document00042.txt" source_offset="0"
               source_length="118"/>
    </document>

Every (suspicious, source) document pair with at least one ``plagiarism`` feature becomes a
gold pair with ``reuse`` true and the features as ``passages`` (side ``a`` the source, side
``b`` the suspicious document). A ``pairs`` file at the top of the folder (lines
``suspicious.txt source.txt``, as in PAN 2013-2015) adds the listed pairs that have no
feature as negatives.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from retold.errors import InputError
from retold.eval.pairs import GoldPair, Passage

_FEATURE_ATTRS = ("this_offset", "this_length", "source_offset", "source_length")


def _texts(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.txt")):
        found.setdefault(path.name, path)
    return found


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig", errors="replace")


def _features(xml_path: Path) -> tuple[str, list[tuple[str, Passage]]]:
    try:
        doc = ET.parse(xml_path).getroot()
    except ET.ParseError as exc:
        raise InputError(f"{xml_path.name}: not valid XML ({exc})") from None
    reference = doc.get("reference")
    if doc.tag != "document" or not reference:
        raise InputError(f'{xml_path.name}: expected <document reference="..."> at the top')
    out = []
    for k, feature in enumerate(doc.iter("feature")):
        if feature.get("name") != "plagiarism":
            continue
        try:
            this_off, this_len, src_off, src_len = (int(feature.get(a, "")) for a in _FEATURE_ATTRS)
        except ValueError:
            raise InputError(
                f"{xml_path.name}: feature {k} needs integer {', '.join(_FEATURE_ATTRS)}"
            ) from None
        source = feature.get("source_reference")
        if not source:
            raise InputError(f"{xml_path.name}: feature {k} has no source_reference")
        out.append((source, Passage(src_off, src_len, this_off, this_len)))
    return reference, out


def read_pan(folder: str | Path) -> Iterator[GoldPair]:
    """Yield gold pairs from a PAN-style folder (searched recursively for .xml and .txt files).

    Raises:
        InputError: when the folder is missing, holds no annotations, or an annotation names a
            document that is not in the folder.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"PAN corpus folder {str(root)!r} not found")
    texts = _texts(root)
    grouped: dict[tuple[str, str], list[Passage]] = {}
    xml_files = sorted(root.rglob("*.xml"))
    if not xml_files:
        raise InputError(f"{root}: no .xml annotation files found")
    for xml_path in xml_files:
        susp, features = _features(xml_path)
        for source, passage in features:
            grouped.setdefault((susp, source), []).append(passage)
    listed = root / "pairs"
    if listed.is_file():
        for n, line in enumerate(listed.read_text(encoding="utf-8").splitlines(), 1):
            names = line.split()
            if not names:
                continue
            if len(names) != 2:
                raise InputError(f"pairs line {n}: expected 'suspicious.txt source.txt'")
            grouped.setdefault((names[0], names[1]), [])
    for (susp, source), passages in sorted(grouped.items()):
        for name in (susp, source):
            if name not in texts:
                raise InputError(f"{root}: annotated document {name!r} is not in the folder")
        yield GoldPair(
            id=f"{susp}|{source}",
            a=_read(texts[source]),
            b=_read(texts[susp]),
            reuse=bool(passages),
            passages=tuple(sorted(passages, key=lambda p: p.b_offset)),
            meta={"level": "document"},
        )

"""Where the viewer's clusters and documents come from, behind one read-only interface.

``Store`` is what the web app needs; ``MemoryStore`` serves a ``retold dedup`` clusters file
(see docs/formats.md) together with the corpus it was made from, or a corpus alone. Nothing here
writes to disk, and document ids are only ever dictionary keys: an id never becomes a path.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from retold.documents import Comparison, Document
from retold.errors import InputError
from retold.viewer.textindex import TextIndex, snippet

SORTS = ("size", "date")

PairFn = Callable[[Document, Document], Comparison]


@dataclass(frozen=True, slots=True)
class Member:
    """One document of a cluster as ``retold dedup`` wrote it.

    Attributes:
        id: Document id.
        role: ``source`` or ``copy``.
        title: Headline, if known.
        published: Publication date, if known.
        verdict: For a copy, what it is to the source (None for the source).
        entry: The member's full JSON object (links, coverage, changes...).
    """

    id: str
    role: str
    title: str | None
    published: str | None
    verdict: str | None
    entry: dict[str, Any] = field(repr=False, compare=False)

    @property
    def via(self) -> str | None:
        """The member this copy is reported against when it is not the source."""
        value = self.entry.get("via")
        return str(value) if value else None

    @property
    def coverage(self) -> dict[str, float]:
        value = self.entry.get("coverage") or {}
        return {k: float(v) for k, v in value.items() if isinstance(v, int | float)}


@dataclass(frozen=True, slots=True)
class Cluster:
    """A source and its copies."""

    number: int
    source: str
    members: tuple[Member, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def date(self) -> str | None:
        """The earliest publication date among the members, if any is known."""
        dates = sorted(m.published for m in self.members if m.published)
        return dates[0] if dates else None

    @property
    def title(self) -> str | None:
        for member in self.members:
            if member.id == self.source and member.title:
                return member.title
        return next((m.title for m in self.members if m.title), None)

    def pairs(self) -> list[tuple[str, str]]:
        """Each copy with the member its verdict was found against: ``(reference, copy)``."""
        return [(m.via or self.source, m.id) for m in self.members if m.role != "source"]

    def summary(self) -> dict[str, Any]:
        verdicts: dict[str, int] = {}
        for m in self.members:
            if m.verdict:
                verdicts[m.verdict] = verdicts.get(m.verdict, 0) + 1
        return {
            "cluster": self.number,
            "source": self.source,
            "title": self.title,
            "size": self.size,
            "date": self.date,
            "verdicts": verdicts,
            "members": [m.id for m in self.members],
            "pairs": [list(p) for p in self.pairs()],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster": self.number,
            "source": self.source,
            "size": self.size,
            "members": [m.entry for m in self.members],
        }


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A document matching a search, with a snippet of its text."""

    id: str
    title: str | None
    snippet: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "snippet": self.snippet, "score": self.score}


class Store(Protocol):
    """What the viewer reads. Implementations must never write to their backing files."""

    description: str

    def cluster_count(self) -> int: ...

    def clusters(self, *, sort: str = "size", offset: int = 0, limit: int = 50) -> list[Cluster]:
        """A page of clusters, largest first (``size``) or newest first (``date``)."""
        ...

    def cluster(self, number: int) -> Cluster | None: ...

    def clusters_of(self, doc_id: str) -> list[int]:
        """Numbers of the clusters a document belongs to."""
        ...

    def document_count(self) -> int: ...

    def document(self, doc_id: str) -> Document | None: ...

    def search(self, query: str, limit: int = 50) -> list[SearchHit]: ...

    def sources(self, checked: Document, compare: PairFn, limit: int = 10) -> list[Comparison]:
        """Comparisons (stored document as A, ``checked`` as B) showing reuse, best first."""
        ...

    def member(self, source: str, copy: str) -> Member | None:
        """What the clusters file says about ``copy`` as a copy of ``source`` (the cluster's
        source, or the member named in ``via``), if anything."""
        ...


def read_clusters(path: Path) -> list[Cluster]:
    """Read the clusters written by ``retold dedup``: JSONL, or Parquet (one row per member).

    Raises:
        InputError: when the file is missing or a line or row is not a cluster member.
    """
    if not path.is_file():
        raise InputError(f"{path} is not a file: pass the clusters.jsonl written by retold dedup")
    if path.suffix.lower() == ".parquet":
        return _read_parquet(path)
    clusters: list[Cluster] = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                clusters.append(_cluster(obj, len(clusters)))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise InputError(
                    f"{path}:{line_no} is not a cluster line ({exc}): "
                    "pass the clusters.jsonl written by retold dedup"
                ) from None
    return clusters


_NESTED = ("coverage", "direction", "links", "source_only", "copy_only", "changes")


def _read_parquet(path: Path) -> list[Cluster]:
    import pyarrow.parquet as pq

    try:
        rows = pq.read_table(path).to_pylist()
    except Exception as exc:  # pyarrow raises many types for a file that is not Parquet
        raise InputError(f"{path} is not a readable Parquet file ({exc})") from None
    grouped: dict[int, dict[str, Any]] = {}
    try:
        for row in rows:
            obj = grouped.setdefault(
                int(row["cluster"]),
                {"cluster": int(row["cluster"]), "source": row["source"], "members": []},
            )
            member = {k: v for k, v in row.items() if k not in ("cluster", "source", "size")}
            for key in _NESTED:
                if member.get(key) is not None:
                    member[key] = json.loads(member[key])
            obj["members"].append(
                {
                    k: v
                    for k, v in member.items()
                    if v is not None or k in ("title", "published", "url")
                }
            )
        return [_cluster(obj, n) for n, obj in sorted(grouped.items())]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InputError(
            f"{path} is not a clusters file ({exc}): pass the output of retold dedup"
        ) from None


def _cluster(obj: dict[str, Any], default_number: int) -> Cluster:
    members = []
    for m in obj["members"]:
        title, published = m.get("title"), m.get("published")
        members.append(
            Member(
                id=str(m["id"]),
                role=str(m.get("role", "copy")),
                title=str(title) if title is not None else None,
                published=str(published) if published is not None else None,
                verdict=m.get("verdict"),
                entry=m,
            )
        )
    number = obj.get("cluster", default_number)
    if not isinstance(number, int):
        raise TypeError("'cluster' must be an integer")
    return Cluster(number=number, source=str(obj["source"]), members=tuple(members))


class MemoryStore:
    """Clusters and documents held in memory, searched through a lazily built word index.

    Args:
        documents: The corpus (ids must be unique; later duplicates are ignored).
        clusters: Clusters from ``retold dedup`` (may be empty).
        description: What is being served, shown in the page header.

    Example:
        >>> from retold.documents import Document
        >>> store = MemoryStore([Document("a.txt", "Storms hit the coast.")], [])
        >>> store.document_count(), store.document("a.txt").text
        (1, 'Storms hit the coast.')
        >>> [h.id for h in store.search("coast")]
        ['a.txt']
    """

    def __init__(
        self,
        documents: Iterable[Document],
        clusters: Iterable[Cluster] = (),
        *,
        description: str = "",
    ) -> None:
        self._docs: dict[str, Document] = {}
        for doc in documents:
            self._docs.setdefault(doc.id, doc)
        self._clusters = {c.number: c for c in clusters}
        self._by_size = sorted(self._clusters.values(), key=lambda c: (-c.size, c.number))
        # newest first; clusters without any date go last
        dated = sorted((c for c in self._by_size if c.date), key=lambda c: c.date or "")
        self._by_date = dated[::-1] + [c for c in self._by_size if not c.date]
        self._membership: dict[str, list[int]] = {}
        self._pairs: dict[tuple[str, str], Member] = {}
        for c in self._by_size:
            for m in c.members:
                self._membership.setdefault(m.id, []).append(c.number)
                if m.role != "source":
                    self._pairs[(m.via or c.source, m.id)] = m
        self._order = list(self._docs)
        self._index: TextIndex | None = None
        self._lock = threading.Lock()
        self.description = description or f"{len(self._docs)} documents"

    @classmethod
    def from_files(
        cls,
        clusters: Path | None,
        corpus: Path | None,
        read_options: Mapping[str, Any] | None = None,
    ) -> MemoryStore:
        """Load a clusters file and/or a corpus (any format ``retold.readers`` reads).

        ``read_options`` go to ``read_corpus`` (column names, ``max_bytes``).
        """
        from retold.readers import read_corpus

        options = dict(read_options or {})
        documents = list(read_corpus(corpus, **options)) if corpus is not None else []
        loaded = read_clusters(clusters) if clusters is not None else []
        known = {d.id for d in documents}
        missing = [m.id for c in loaded for m in c.members if m.id not in known]
        if loaded and not documents:
            raise InputError(
                "the clusters file has no texts: pass the corpus it was made from with --corpus "
                "(or an index with --index)"
            )
        if missing:
            raise InputError(
                f"{len(missing)} clustered documents are not in the corpus (first: {missing[0]!r}):"
                " pass the corpus retold dedup read with --corpus"
            )
        parts = [str(p) for p in (clusters, corpus) if p is not None]
        return cls(documents, loaded, description=" + ".join(parts))

    def _text_index(self) -> TextIndex:
        # built on first use so the server starts at once; the lock stops two threads building it
        with self._lock:
            if self._index is None:
                docs = [self._docs[i] for i in self._order]
                self._index = TextIndex([(d.title, d.text) for d in docs])
            return self._index

    def cluster_count(self) -> int:
        return len(self._clusters)

    def clusters(self, *, sort: str = "size", offset: int = 0, limit: int = 50) -> list[Cluster]:
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        ordered = self._by_size if sort == "size" else self._by_date
        return ordered[max(offset, 0) : max(offset, 0) + max(limit, 0)]

    def cluster(self, number: int) -> Cluster | None:
        return self._clusters.get(number)

    def clusters_of(self, doc_id: str) -> list[int]:
        return list(self._membership.get(doc_id, ()))

    def document_count(self) -> int:
        return len(self._docs)

    def document(self, doc_id: str) -> Document | None:
        return self._docs.get(doc_id)

    def documents(self) -> Iterator[Document]:
        return iter(self._docs.values())

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        hits = []
        for hit in self._text_index().search(query, limit):
            doc = self._docs[self._order[hit.position]]
            text = snippet(doc.text, query)
            hits.append(SearchHit(doc.id, doc.title, text, round(hit.score, 3)))
        return hits

    def candidates(self, text: str, limit: int = 10) -> list[str]:
        """Ids of the documents sharing the most word weight with ``text`` (unverified)."""
        return [self._order[h.position] for h in self._text_index().similar(text, limit)]

    def sources(self, checked: Document, compare: PairFn, limit: int = 10) -> list[Comparison]:
        found = []
        for doc_id in self.candidates(checked.text, limit):
            c = compare(self._docs[doc_id], checked)
            if c.verdict.is_reuse:
                found.append(c)
        return sorted(found, key=lambda c: (-c.coverage_b, -c.coverage_a, c.a.id))

    def prepare(self) -> None:
        """Build the word index now (the CLI does it in the background at start-up)."""
        self._text_index()

    def member(self, source: str, copy: str) -> Member | None:
        return self._pairs.get((source, copy))

"""A datatrove pipeline step that finds rewritten copies and marks or drops them.

Add it after a reader, before a writer (``pip install 'retold[datatrove]'``)::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from retold.integrations.datatrove import RetoldDedup

    LocalPipelineExecutor(
        pipeline=[JsonlReader("news/"), RetoldDedup(drop=True), JsonlWriter("deduped/")],
        tasks=1,
        logging_dir="logs/",
    ).run()

Every document leaves the step with four metadata keys (the prefix is configurable):
``retold_cluster`` (cluster number, None when the document is in no cluster),
``retold_role`` (``source``, ``copy`` or ``unique``), ``retold_verdict`` (what a copy is to its
source: ``identical``, ``near-duplicate``, ``rewrite``, ``partial``; None otherwise) and
``retold_source`` (the id of its cluster's source). With ``drop=True`` copies whose verdict is
in ``drop_verdicts`` are removed; sources and unique documents always pass.

Copies are found among the documents of one task: the step holds a task's documents until its
input ends, then runs retold's local engine on them. Run it with ``tasks=1`` (or after a step
that groups likely copies into the same task) to compare the whole collection.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from retold.documents import Document, Verdict
from retold.errors import ConfigError, MissingDependencyError

try:
    from datatrove.data import Document as DatatroveDocument
    from datatrove.data import DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
except ImportError:
    raise MissingDependencyError("the datatrove step", "datatrove") from None

REUSE_VERDICTS = tuple(str(v) for v in Verdict if v.is_reuse)
DEFAULT_DROP = (str(Verdict.IDENTICAL), str(Verdict.NEAR_DUPLICATE), str(Verdict.REWRITE))


@dataclass(frozen=True, slots=True)
class RetoldDedupConfig:
    """How the step compares, what it drops and where it finds each document's fields.

    Attributes:
        drop: Remove copies whose verdict is in ``drop_verdicts`` (else only mark them).
        drop_verdicts: Verdicts that make a copy go when ``drop`` is set; ``partial`` copies
            (one passage reused in an otherwise new text) are kept by default.
        lexical_only: MinHash and sentence-hash candidates verified by wording alone (no
            model; misses paraphrased rewrites).
        model: Embedding model, ``fast`` or ``accurate``.
        threshold: Word 5-gram Jaccard the MinHash LSH bands are tuned for.
        workers: Processes for retold's per-document stage inside each task.
        title_key: Metadata key of the headline.
        url_key: Metadata key of the URL.
        date_key: Metadata key of the publication date (the earliest copy is the source).
        source_key: Metadata key of the publisher.
        prefix: Prefix of the metadata keys the step writes.
    """

    drop: bool = False
    drop_verdicts: tuple[str, ...] = DEFAULT_DROP
    lexical_only: bool = False
    model: str = "fast"
    threshold: float = 0.5
    workers: int = 1
    title_key: str = "title"
    url_key: str = "url"
    date_key: str = "date"
    source_key: str = "source"
    prefix: str = "retold_"

    def __post_init__(self) -> None:
        unknown = [v for v in self.drop_verdicts if v not in REUSE_VERDICTS]
        if unknown:
            raise ConfigError(
                f"drop_verdicts {unknown} are not reuse verdicts; choose from"
                f" {', '.join(REUSE_VERDICTS)}"
            )
        if not 0.0 <= self.threshold <= 1.0:
            raise ConfigError("threshold must be in [0.0, 1.0]")
        if self.workers < 1:
            raise ConfigError("workers must be >= 1")
        if not self.prefix:
            raise ConfigError("prefix must not be empty: the step's keys would overwrite others")


@dataclass(frozen=True, slots=True)
class _Mark:
    cluster: int | None = None
    role: str = "unique"
    verdict: str | None = None
    source: str | None = None


class RetoldDedup(PipelineStep):
    """Mark (or drop) rewritten copies among a task's documents; see the module docstring.

    Args:
        config: All settings; keyword arguments override its fields.
        **overrides: Any :class:`RetoldDedupConfig` field, e.g. ``drop=True``.
    """

    name = "retold dedup"
    type = "🫂 - DEDUP"

    def __init__(self, config: RetoldDedupConfig | None = None, **overrides: Any) -> None:
        super().__init__()
        base = config or RetoldDedupConfig()
        if overrides:
            from dataclasses import replace

            base = replace(base, **overrides)
        self.config = base

    def _to_retold(self, k: int, doc: DatatroveDocument) -> Document | None:
        from retold.normalize import normalize_text
        from retold.readers.dates import normalize_published

        text = normalize_text(doc.text or "")
        if not any(ch.isalpha() for ch in text):
            return None
        meta = doc.metadata or {}
        cfg = self.config

        def opt(key: str) -> str | None:
            value = meta.get(key)
            return None if value is None else str(value)

        # positions, not the pipeline's ids, name documents inside retold: those may repeat
        return Document(
            id=str(k),
            text=text,
            title=opt(cfg.title_key),
            url=opt(cfg.url_key),
            published=normalize_published(meta.get(cfg.date_key)),
            source=opt(cfg.source_key),
        )

    def _marks(self, docs: list[DatatroveDocument]) -> list[_Mark]:
        from retold.collection.fingerprints import LSHConfig, MinHashConfig
        from retold.engines.local import DedupConfig, run_dedup

        cfg = self.config
        converted = [self._to_retold(k, d) for k, d in enumerate(docs)]
        usable = [d for d in converted if d is not None]
        self.stat_update("not_compared", value=len(docs) - len(usable))
        marks = [_Mark() for _ in docs]
        if len(usable) < 2:
            return marks
        minhash = MinHashConfig()
        dedup = DedupConfig(
            minhash=minhash,
            lsh=LSHConfig(threshold=cfg.threshold, num_perm=minhash.num_perm),
            model=cfg.model,
            lexical_only=cfg.lexical_only,
        )
        with self.track_time("task"):
            result = run_dedup(usable, dedup, workers=cfg.workers)
        for rec in result.records:
            source = docs[int(rec["source"])].id
            for m in rec["members"]:
                copy = m["role"] != "source"
                marks[int(m["id"])] = _Mark(
                    cluster=int(rec["cluster"]),
                    role="copy" if copy else "source",
                    verdict=m.get("verdict") if copy else None,
                    source=source,
                )
        return marks

    def run(
        self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1
    ) -> Iterator[DatatroveDocument]:
        """Yield the task's documents with their marks, less the dropped copies."""
        docs = list(data) if data is not None else []
        cfg = self.config
        for doc, mark in zip(docs, self._marks(docs), strict=True):
            self.stat_update(f"role_{mark.role}")
            doc.metadata[f"{cfg.prefix}cluster"] = mark.cluster
            doc.metadata[f"{cfg.prefix}role"] = mark.role
            doc.metadata[f"{cfg.prefix}verdict"] = mark.verdict
            doc.metadata[f"{cfg.prefix}source"] = mark.source
            if cfg.drop and mark.role == "copy" and mark.verdict in cfg.drop_verdicts:
                self.stat_update("dropped")
                continue
            self.update_doc_stats(doc)
            yield doc


__all__ = ["DEFAULT_DROP", "RetoldDedup", "RetoldDedupConfig"]

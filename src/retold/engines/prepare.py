"""The per-document stage: segment, fingerprint, hash and embed each batch of documents.

Batches run in this process or in a pool of worker processes (each holding its own model), and
come back in corpus order, so results do not depend on the number of workers. With a
``BatchCache`` every finished batch is saved under a work directory (written under a temporary
name, then renamed); a rerun after a crash or kill loads those batches instead of redoing them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from retold.collection.candidates import CandidateConfig, doc_vectors
from retold.collection.fingerprints import MinHashConfig, signatures, token_signatures
from retold.documents import Document, Segmented, SentenceKind
from retold.errors import InputError, write_error
from retold.models import Embedder
from retold.normalize import fold, folded_words
from retold.segment import segment

CACHE_FORMAT = "retold.prepared/3"


@dataclass
class PreparedBatch:
    """Per-document stage output for one batch of documents.

    Attributes:
        segs: The segmented documents (empty when only arrays were kept).
        sigs: MinHash signatures, one row per document.
        counts: Sentences per document.
        hashes: Folded-text hash of every sentence, in document then sentence order.
        usable: Per sentence, whether it counts for sentence signals (body text, long enough).
        vectors: Unit sentence vectors as float16, when a model was given.
        languages: Language group of each document (``retold.lang``), when asked for;
            else empty.
        digest: ``batch_digest`` of the documents it was computed from (set by
            ``prepare_all``; the key under which a work directory keeps it).
        keys: Cross-lingual fingerprints of each document's lead, when asked for (the index
            stores them; ``retold.collection.crosslingual.lead_keys``); else empty.
        doc_vectors: Each document's vector (``retold.collection.candidates.doc_vectors``),
            with the sentence vectors.
    """

    segs: list[Segmented]
    sigs: npt.NDArray[np.uint32]
    counts: npt.NDArray[np.int64]
    hashes: npt.NDArray[np.int64]
    usable: npt.NDArray[np.bool_]
    vectors: npt.NDArray[np.float16] | None = None
    languages: npt.NDArray[np.str_] = field(default_factory=lambda: np.zeros(0, dtype="<U8"))
    digest: str = ""
    keys: list[list[str]] = field(default_factory=list)
    doc_vectors: npt.NDArray[np.float32] | None = None


def sentence_hash(text: str) -> int:
    """Stable signed 64-bit hash of a sentence's folded text."""
    digest = hashlib.blake2b(fold(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


_QUICK_SPLIT = re.compile(r"(?<=[.!?])[\"')]? ")


def prepare_batch(
    docs: Sequence[Document],
    minhash: MinHashConfig,
    candidates: CandidateConfig,
    *,
    segmented: bool = True,
    languages: bool = False,
    keys: bool = False,
) -> PreparedBatch:
    """Segment, fingerprint and hash the sentences of a batch of documents.

    With ``segmented=False`` (lexical-only runs) sentences are hashed after a quick split at
    sentence punctuation and no ``Segmented`` is built: only candidate pairs are segmented
    later, when they are verified. With ``languages`` each document's language is identified
    too (for the cross-lingual candidate signal), and with ``keys`` (which implies it) the
    fingerprints of the lead of each document whose language is known.
    """
    hashes, usable = [], []
    codes = np.zeros(0, dtype="<U8")
    lead_keys: list[list[str]] = []
    if languages or keys:
        from retold.collection import crosslingual

        codes = np.array(crosslingual.document_languages(docs), dtype="<U8")
        if keys:
            lead_keys = [
                sorted(crosslingual.lead_keys(d)) if code != "und" else []
                for d, code in zip(docs, codes.tolist(), strict=True)
            ]
    if segmented:
        sigs = signatures((d.text for d in docs), minhash)
        segs = [segment(d) for d in docs]
        counts = np.array([len(s.sentences) for s in segs], dtype=np.int64)
        for seg in segs:
            for s in seg.sentences:
                hashes.append(sentence_hash(s.text))
                usable.append(
                    s.kind == SentenceKind.BODY and len(s.text.split()) >= candidates.min_words
                )
    else:
        segs = []
        n_per_doc = []
        tokens = []
        for d in docs:
            folded = fold(d.text)  # once per document: tokens and sentence hashes share it
            tokens.append(folded_words(folded))
            pieces = [p for p in _QUICK_SPLIT.split(folded) if p]
            n_per_doc.append(len(pieces))
            for p in pieces:
                digest = hashlib.blake2b(p.encode("utf-8"), digest_size=8).digest()
                hashes.append(int.from_bytes(digest, "little", signed=True))
                usable.append(p.count(" ") + 1 >= candidates.min_words)
        sigs = token_signatures(tokens, minhash)
        counts = np.array(n_per_doc, dtype=np.int64)
    return PreparedBatch(
        segs,
        sigs,
        counts,
        np.array(hashes, dtype=np.int64),
        np.array(usable, dtype=bool),
        languages=codes,
        keys=lead_keys,
    )


def embed_batch(segs: Sequence[Segmented], embedder: Embedder) -> npt.NDArray[np.float16]:
    """Unit sentence vectors of a batch, in document then sentence order, as float16."""
    texts = [s.text for seg in segs for s in seg.sentences]
    return embedder.encode(texts).astype(np.float16)


@dataclass(frozen=True)
class PrepareSpec:
    """What the per-document stage needs (small and picklable, for worker processes).

    Attributes:
        minhash: Signature parameters.
        candidates: Sentence-signal limits (``min_words``).
        model: Embedding model name, or None for lexical-only runs (no vectors, no segmenting).
        languages: Identify each document's language (dedup looks for translated copies).
        keys: Also fingerprint each document's lead for translated copies (the index); not
            kept by ``BatchCache``.
    """

    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    model: str | None = "fast"
    languages: bool = False
    keys: bool = False

    def key(self, batch_size: int) -> str:
        """Digest of everything that changes a batch's arrays."""
        parts = {
            "format": CACHE_FORMAT,
            "minhash": asdict(self.minhash),
            "min_words": self.candidates.min_words,
            "model": self.model,
            "languages": self.languages,
            "batch_size": batch_size,
        }
        if self.keys:  # named only when set, so that work directories made before stay valid
            parts["keys"] = True
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def batch_digest(docs: Sequence[Document]) -> str:
    """Digest of a batch's ids and texts: a cached batch is reused only for the same input."""
    h = hashlib.blake2b(digest_size=16)
    for d in docs:
        h.update(d.id.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
        h.update(d.text.encode("utf-8", "surrogatepass"))
        h.update(b"\x01")
    return h.hexdigest()


def prepare_arrays(
    docs: Sequence[Document], digest: str, spec: PrepareSpec, embedder: Embedder | None
) -> tuple[PreparedBatch, dict[str, float]]:
    """One batch's arrays (no ``Segmented`` kept) and the seconds spent on each part."""
    t0 = time.perf_counter()
    prep = prepare_batch(
        docs,
        spec.minhash,
        spec.candidates,
        segmented=embedder is not None,
        languages=spec.languages,
        keys=spec.keys,
    )
    prep.digest = digest
    seconds = {"segment, fingerprint": time.perf_counter() - t0}
    if embedder is not None:
        t0 = time.perf_counter()
        prep.vectors = embed_batch(prep.segs, embedder)
        offsets = np.concatenate(([0], np.cumsum(prep.counts))).astype(np.int64)
        prep.doc_vectors = doc_vectors(prep.vectors, offsets, prep.usable)
        seconds["embed"] = time.perf_counter() - t0
    prep.segs = []
    return prep, seconds


class BatchCache:
    """Finished batches under ``root``: ``batch-000012.npz`` files and a manifest.

    A manifest made with other settings empties the folder (its batches cannot be reused).
    """

    def __init__(self, root: str | Path, key: str) -> None:
        self.root = Path(root)
        self.key = key
        manifest = self.root / "manifest.json"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if (
                manifest.exists()
                and json.loads(manifest.read_text(encoding="utf-8")).get("key") != key
            ):
                shutil.rmtree(self.root)
                self.root.mkdir(parents=True)
            if not manifest.exists():
                tmp = manifest.with_name("manifest.json.tmp")
                tmp.write_text(json.dumps({"format": CACHE_FORMAT, "key": key}), encoding="utf-8")
                os.replace(tmp, manifest)
        except (OSError, ValueError) as exc:
            raise InputError(
                f"cannot use work directory {self.root}: {exc}; pass another --work-dir"
            ) from None

    def _path(self, k: int) -> Path:
        return self.root / f"batch-{k:06d}.npz"

    def load(self, k: int, digest: str) -> PreparedBatch | None:
        """Batch ``k`` if it was saved for the same documents, else None."""
        path = self._path(k)
        if not path.exists():
            return None
        try:
            with np.load(path) as z:
                if str(z["digest"]) != digest:
                    return None
                vectors = z["vectors"] if "vectors" in z.files else None
                return PreparedBatch(
                    [],
                    z["sigs"],
                    z["counts"],
                    z["hashes"],
                    z["usable"],
                    vectors,
                    z["languages"],
                    digest,
                    doc_vectors=z["doc_vectors"] if "doc_vectors" in z.files else None,
                )
        except (OSError, ValueError, KeyError, EOFError):
            return None  # a damaged file is recomputed

    def save(self, k: int, prep: PreparedBatch) -> None:
        arrays = {
            "digest": np.array(prep.digest),
            "sigs": prep.sigs,
            "counts": prep.counts,
            "hashes": prep.hashes,
            "usable": prep.usable,
            "languages": prep.languages,
        }
        if prep.vectors is not None:
            arrays["vectors"] = prep.vectors
        if prep.doc_vectors is not None:
            arrays["doc_vectors"] = prep.doc_vectors
        with atomic_write(self._path(k)) as f:
            np.savez(f, allow_pickle=False, **arrays)


@contextmanager
def atomic_write(path: Path) -> Iterator[BinaryIO]:
    """A binary file written under ``path``.tmp and renamed to ``path`` once complete.

    Raises:
        OutputError: the write failed (no space left, read-only, no access); the temporary
            file is removed and ``path`` is left as it was.
    """
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("wb") as f:
            yield f
            f.flush()
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _work(
    k: int,
    docs: list[Document],
    digest: str,
    spec: PrepareSpec,
    cache: BatchCache | None,
) -> tuple[PreparedBatch, dict[str, float]]:
    """One batch in a worker process (``retold.engines.workers``), saved when caching."""
    from retold.engines.workers import worker_embedder

    prep, seconds = prepare_arrays(docs, digest, spec, worker_embedder())
    if cache is not None:
        cache.save(k, prep)
    return prep, seconds


@dataclass
class PrepareStats:
    """What the stage did: batches computed or loaded, seconds per part summed over workers."""

    computed: int = 0
    loaded: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, seconds: dict[str, float]) -> None:
        for name, s in seconds.items():
            self.seconds[name] += s


def prepare_all(
    batches: Iterable[list[Document]],
    spec: PrepareSpec,
    *,
    workers: int = 1,
    cache: BatchCache | None = None,
    stats: PrepareStats | None = None,
) -> Iterator[tuple[list[Document], PreparedBatch]]:
    """Each batch with its arrays, in input order.

    Args:
        batches: The corpus, batch by batch (batch ``k`` is cached as ``k``).
        spec: What to compute.
        workers: Processes to compute in; 1 (or a single batch) computes here.
        cache: Where finished batches are saved and looked up.
        stats: Filled with counts and seconds.
    """
    st = stats if stats is not None else PrepareStats()
    it = iter(batches)
    head = [b for b in (next(it, None), next(it, None)) if b is not None]
    source = enumerate(chain(head, it))
    if workers <= 1 or len(head) < 2:
        embedder = None
        if spec.model is not None:
            from retold.models import get_embedder

            embedder = get_embedder(spec.model)
        for k, docs in source:
            digest = batch_digest(docs)
            prep = cache.load(k, digest) if cache is not None else None
            if prep is not None:
                st.loaded += 1
            else:
                prep, seconds = prepare_arrays(docs, digest, spec, embedder)
                st.computed += 1
                st.add(seconds)
                if cache is not None:
                    cache.save(k, prep)
            yield docs, prep
        return

    from retold.engines.workers import spawn_pool

    pending: list[tuple[list[Document], PreparedBatch | Future[tuple[PreparedBatch, dict]]]] = []
    with ExitStack() as stack:
        pool = None  # started for the first batch not in the cache: a full resume needs none
        for k, docs in source:
            digest = batch_digest(docs)
            prep = cache.load(k, digest) if cache is not None else None
            if prep is not None:
                st.loaded += 1
                pending.append((docs, prep))
            else:
                if pool is None:
                    pool = stack.enter_context(spawn_pool(workers, spec.model))
                pending.append((docs, pool.submit(_work, k, docs, digest, spec, cache)))
            while len(pending) > 2 * workers:
                yield _collect(pending.pop(0), st)
        while pending:
            yield _collect(pending.pop(0), st)


def _collect(
    item: tuple[list[Document], PreparedBatch | Future[tuple[PreparedBatch, dict]]],
    st: PrepareStats,
) -> tuple[list[Document], PreparedBatch]:
    docs, value = item
    if isinstance(value, PreparedBatch):
        return docs, value
    prep, seconds = value.result()
    st.computed += 1
    st.add(seconds)
    return docs, prep

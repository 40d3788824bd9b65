"""``find``: the sources of one article in an index, verified and aligned.

Candidates come from the same signals as dedup, looked up instead of computed pairwise:
MinHash band keys (an indexed SQLite column), identical long sentences (an indexed hash
column), document-vector neighbours (usearch) and, for translated copies, stored documents in
another language sharing rare numbers, dates and names with the query
(:mod:`retold.collection.crosslingual`; an indexed key column). Each candidate is verified
with the comparer against the stored sentence vectors, so only the query is embedded; a pair
in two languages is compared through the cross-lingual path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retold.collection import crosslingual
from retold.collection.candidates import close_sentence_pairs
from retold.collection.crosslingual import CrosslingualCandidateConfig, best_partners, lead_keys
from retold.collection.fingerprints import band_keys
from retold.collection.verify import PairComparer
from retold.documents import Comparison, Document
from retold.index.store import IndexStore, _doc_vector
from retold.models.base import as_stored
from retold.segment import segment


@dataclass(frozen=True)
class Match:
    """One source found for a query: the stored document and the comparison (a = stored)."""

    document: Document
    comparison: Comparison
    signals: tuple[str, ...]


def find_sources(
    store: IndexStore,
    query: Document,
    comparer: PairComparer,
    *,
    top: int = 10,
    max_candidates: int = 30,
) -> list[Match]:
    """Stored documents the query reuses text from, best coverage of the query first.

    Args:
        store: An open index.
        query: The article to look up (a stored document with the same id is left out).
        comparer: Verifier (its model must match the index's).
        top: Most matches returned.
        max_candidates: Most candidates verified.
    """
    from retold.engines.prepare import prepare_batch

    cfg = store.config
    prep = prepare_batch([query], cfg.minhash, cfg.candidates)
    seg = prep.segs[0]
    if not seg.sentences:
        return []
    # rounded as the stored vectors are, so a query scores as it would inside the index
    vectors = as_stored(store.embedder.encode([s.text for s in seg.sentences]))
    signals: dict[int, set[str]] = {}
    for pos in store.band_hits(band_keys(prep.sigs, cfg.lsh)[0].tolist()):
        signals.setdefault(pos, set()).add("minhash")
    usable_hashes = prep.hashes[prep.usable].tolist()
    need = min(cfg.candidates.min_shared, len(usable_hashes))
    for pos, n in store.sentence_hash_hits(usable_hashes).items():
        if n >= max(need, 1):
            signals.setdefault(pos, set()).add("sentence-hash")
    dv = _doc_vector(vectors, prep.usable).astype(np.float32)
    own = store.positions_of([query.id]).get(query.id)
    nearest = True  # the query's nearest stored document counts from a lower cosine
    for pos, cos in store.neighbours(dv, cfg.candidates.k * 2):
        if pos == own:
            continue
        floor = cfg.candidates.nearest_cosine if nearest else cfg.candidates.min_doc_cosine
        nearest = False
        if cos >= floor:
            signals.setdefault(pos, set()).add("semantic")
    for pos in translated_candidates(store, query, own):
        signals.setdefault(pos, set()).add(crosslingual.SIGNAL)
    order = sorted((p for p in signals if p != own), key=lambda p: (-len(signals[p]), p))[
        :max_candidates
    ]
    query_usable = vectors[prep.usable]
    matches = []
    for pos in order:
        stored_vectors = store.sentence_vectors(pos)
        if signals[pos] == {"semantic"}:
            # a neighbour by topic alone must also share close sentence pairs, as in dedup
            need_pairs = min(cfg.candidates.min_pairs, len(query_usable), len(stored_vectors))
            close = close_sentence_pairs(query_usable, stored_vectors, cfg.candidates.min_cosine)
            if need_pairs == 0 or close < need_pairs:
                continue
        doc = store.document(pos)
        stored = segment(doc)
        if not stored.sentences:
            continue
        c = comparer.compare_segmented(stored, seg, stored_vectors, vectors)
        if c.verdict.is_reuse:
            matches.append(Match(doc, c, tuple(sorted(signals[pos]))))
    matches.sort(key=lambda m: (-m.comparison.coverage_b, -m.comparison.coverage_a, m.document.id))
    return matches[:top]


def translated_candidates(
    store: IndexStore,
    query: Document,
    own: int | None = None,
    config: CrosslingualCandidateConfig | None = None,
) -> list[int]:
    """Stored documents in another language than the query's that share its rarest numbers,
    dates and names: the candidates for a translated copy.

    An index all in the query's language answers with two look-ups on its language column.
    """
    cfg = config or CrosslingualCandidateConfig()
    language = crosslingual.document_languages([query], cfg.detect_chars)[0]
    if language == "und" or not store.has_language_other_than(language):
        return []
    keys = lead_keys(query, cfg)
    n = store.count()
    postings, languages = store.crosslingual_postings(keys, max(5, int(cfg.max_df * n)))

    def other(pos: int) -> bool:
        return pos != own and languages.get(pos, language) not in (language, "und")

    return [pos for pos, _ in best_partners(keys, postings, n, other, cfg)]

"""Compare two articles: segment, embed, align, decide, explain.

``compare(a, b)`` is the one-call API; ``Comparer`` keeps the model loaded and accepts sentence
vectors computed elsewhere, so collection-scale code never embeds a sentence twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from rapidfuzz.distance import Indel

from retold.documents import (
    Alignment,
    Comparison,
    Direction,
    Document,
    Link,
    LinkKind,
    Segmented,
    SentenceKind,
    Verdict,
)
from retold.errors import InputError
from retold.lang import differ
from retold.models import Embedder, get_embedder
from retold.models.base import Vectors, as_stored
from retold.normalize import fold, normalize_text, words
from retold.pair.align import AlignConfig, align
from retold.pair.changes import find_changes
from retold.pair.crosslingual import CrosslingualConfig, Translated, languages
from retold.pair.decision import shipped_models
from retold.pair.direction import guess_direction
from retold.pair.explain import describe
from retold.pair.features import pair_features
from retold.pair.similarity import Matrix, SentenceFeatures, Weights, block_sims, calibrate
from retold.pair.verdict import VerdictConfig, measure, model_verdict, rule_verdict
from retold.segment import segment


@dataclass(frozen=True)
class CompareConfig:
    """Everything that tunes a comparison.

    Attributes:
        align: Aligner thresholds.
        verdict: Verdict thresholds.
        lexical_weight: Weight of content-word overlap against embedding similarity.
        max_chars: Most characters per side, checked before segmenting.
        max_sentences: Most sentences per side; the aligner holds a few n x m matrices, so a
            longer text is refused with a clear error rather than exhausting memory.
        edited_ratio: Least word-level similarity (1 - normalised insert/delete distance over
            words) for an ``edited`` link; below it a link is ``reworded``.
        crosslingual: When a pair is compared as a translated copy (its languages differ).
    """

    align: AlignConfig = field(default_factory=AlignConfig)
    verdict: VerdictConfig = field(default_factory=VerdictConfig)
    lexical_weight: float = 0.5
    edited_ratio: float = 0.9
    max_chars: int = 1_000_000
    max_sentences: int = 5000
    crosslingual: CrosslingualConfig = field(default_factory=CrosslingualConfig)

    def __post_init__(self) -> None:
        if not 0.0 <= self.edited_ratio <= 1.0:
            raise ValueError("edited_ratio must be in [0.0, 1.0]")
        if not 0.0 <= self.lexical_weight <= 1.0:
            raise ValueError("lexical_weight must be in [0.0, 1.0]")


def as_document(value: str | Document, default_id: str) -> Document:
    """Accept raw text or a Document; normalise the text and refuse empty input."""
    doc = value if isinstance(value, Document) else Document(id=default_id, text=value)
    text = normalize_text(doc.text)
    if not text:
        raise InputError(f"{doc.id} is empty: there is no text to compare")
    return doc if text == doc.text else replace(doc, text=text)


def _kind(text_a: str, text_b: str, edited_ratio: float) -> tuple[LinkKind, float]:
    if fold(text_a) == fold(text_b):
        return LinkKind.IDENTICAL, 1.0
    ratio = Indel.normalized_similarity(words(text_a), words(text_b))
    return (LinkKind.EDITED if ratio >= edited_ratio else LinkKind.REWORDED), ratio


def _peripheral(seg: Segmented) -> frozenset[int]:
    return frozenset(
        s.index for s in seg.sentences if s.kind in (SentenceKind.CAPTION, SentenceKind.CREDIT)
    )


def _shingles(w: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(w[i : i + n]) for i in range(max(0, len(w) - n + 1))}


def _jaccard(x: set[tuple[str, ...]], y: set[tuple[str, ...]]) -> float:
    return len(x & y) / len(x | y) if x or y else 0.0


def refine(a: Segmented, b: Segmented, raw: Alignment, edited_ratio: float) -> Alignment:
    """Set each link's kind from the texts; identical/edited links report word similarity."""
    links = []
    for link in raw.links:
        ta = " ".join(a.sentences[i].text for i in link.a)
        tb = " ".join(b.sentences[j].text for j in link.b)
        kind, ratio = _kind(ta, tb, edited_ratio)
        sim = max(link.similarity, ratio) if kind != LinkKind.REWORDED else link.similarity
        links.append(Link(link.a, link.b, min(1.0, sim), kind, link.moved))
    return Alignment(tuple(links), raw.a_only, raw.b_only)


@dataclass(frozen=True)
class Evidence:
    """What the pair features are measured on, beyond the alignment."""

    fa: SentenceFeatures
    fb: SentenceFeatures
    s11: Matrix
    translated: bool = False
    languages_differ: bool = False


def conclude(
    a: Segmented,
    b: Segmented,
    alignment: Alignment,
    doc_similarity: float,
    config: VerdictConfig,
    model: str,
    evidence: Evidence | None = None,
) -> Comparison:
    """Verdict, coverage, direction, changes and scores of an aligned pair.

    ``evidence`` (sentence features and the 1:1 similarity matrix) lets the pair's features be
    measured; without it the verdict comes from the coverage and passage rules alone.
    """
    m = measure(a, b, alignment, doc_similarity, config)
    cov_a, cov_b, stats = m.coverage_a, m.coverage_b, m.scores
    wa, wb = words(a.text), words(b.text)
    stats["jaccard_5gram"] = _jaccard(_shingles(wa, 5), _shingles(wb, 5))
    stats["jaccard_words"] = _jaccard(_shingles(wa, 1), _shingles(wb, 1))
    models = shipped_models()
    features: dict[str, float] = {}
    sentence_pair = len(a.sentences) == len(b.sentences) == 1
    if evidence is not None and not sentence_pair:
        features = pair_features(
            a, b, evidence.fa, evidence.fb, evidence.s11, alignment, stats, (cov_a, cov_b)
        )
        p = models.reuse.probability(features)
        stats["reuse_probability"] = p
        stats["coverage_short"] = features["coverage_short"]
        verdict = model_verdict(m, p, models.reuse.threshold, config, features, evidence.translated)
    else:
        verdict = rule_verdict(m, config)
    # only a copy has a source; most candidate pairs of a collection are not copies
    way = Direction(None, 0.0, "not a copy")
    rewriting = None
    if verdict.is_reuse:
        way = guess_direction(a, b, cov_a, cov_b, models)
        if verdict != Verdict.IDENTICAL:
            rewriting = describe(a, b, alignment, way.source)
    return Comparison(
        a=a,
        b=b,
        verdict=verdict,
        coverage_a=cov_a,
        coverage_b=cov_b,
        direction=way,
        alignment=alignment,
        # across languages numbers, dates and names are matched through language-agnostic keys
        changes=find_changes(
            a.sentences,
            b.sentences,
            alignment,
            translated=evidence is not None and evidence.languages_differ,
        ),
        scores=stats,
        model=model,
        features=features,
        rewriting=rewriting,
    )


class Comparer:
    """Compares documents with one loaded embedding model.

    Example:
        >>> text = "Storms hit the coast on Monday."
        >>> c = Comparer("fast").compare(text, text)
        >>> str(c.verdict), c.coverage_a
        ('identical', 1.0)
    """

    def __init__(self, model: str | Embedder = "fast", config: CompareConfig | None = None):
        self.embedder = get_embedder(model) if isinstance(model, str) else model
        self.config = config or CompareConfig()
        self._weights = Weights(lexical=self.config.lexical_weight, floor=self.embedder.floor)
        self._translated = Translated(self.config.crosslingual)

    def embed(self, seg: Segmented) -> Vectors:
        """Unit vectors for the sentences of a segmented document.

        Vectors are rounded to float16, as collections store them (``dedup``, the index), so
        a pair compared on its own gets the verdict it got inside a collection.
        """
        return as_stored(self.embedder.encode([s.text for s in seg.sentences]))

    def compare(self, a: str | Document, b: str | Document) -> Comparison:
        """Compare two texts or documents (A is reported first; direction is guessed)."""
        docs = as_document(a, "a"), as_document(b, "b")
        for doc in docs:
            if len(doc.text) > self.config.max_chars:
                raise InputError(
                    f"{doc.id} has {len(doc.text):,} characters, over the limit of "
                    f"{self.config.max_chars:,} for one comparison: split it into articles, "
                    "or use `retold dedup` for collections"
                )
        return self.compare_segmented(segment(docs[0]), segment(docs[1]))

    def compare_segmented(
        self,
        a: Segmented,
        b: Segmented,
        vectors_a: Vectors | None = None,
        vectors_b: Vectors | None = None,
    ) -> Comparison:
        """Compare segmented documents, reusing sentence vectors when given."""
        for seg in (a, b):
            if not seg.sentences:
                raise InputError(f"{seg.id} has no sentences: there is no text to compare")
            if len(seg.sentences) > self.config.max_sentences:
                raise InputError(
                    f"{seg.id} has {len(seg.sentences):,} sentences, over the limit of "
                    f"{self.config.max_sentences:,} for one comparison: split it into articles, "
                    "or use `retold dedup` for collections"
                )
        language_a, language_b = languages(a, b)
        translated = self.config.crosslingual.applies(language_a, language_b)
        if translated:
            # hook for translated copies: multilingual vectors, no English-only lexical signals
            measured = self._translated.measure(a, b, language_a, language_b)
            fa, fb, sims = measured.features_a, measured.features_b, measured.sims
            doc_similarity, model = measured.doc_similarity, measured.model
        else:
            va = self.embed(a) if vectors_a is None else vectors_a
            vb = self.embed(b) if vectors_b is None else vectors_b
            fa = SentenceFeatures.build([s.text for s in a.sentences], va)
            fb = SentenceFeatures.build([s.text for s in b.sentences], vb)
            sims = block_sims(fa, fb, self._weights)
            doc_similarity, model = self._doc_similarity(fa, fb), self.embedder.name
        raw = align(
            sims,
            self.config.align,
            skip_a=_peripheral(a),
            skip_b=_peripheral(b),
        )
        alignment = refine(a, b, raw, self.config.edited_ratio)
        comparison = conclude(
            a,
            b,
            alignment,
            doc_similarity,
            self.config.verdict,
            model,
            Evidence(fa, fb, sims.sims[(1, 1)], translated, differ(language_a, language_b)),
        )
        return replace(comparison, language_a=language_a, language_b=language_b)

    def _doc_similarity(self, fa: SentenceFeatures, fb: SentenceFeatures) -> float:
        """Calibrated cosine of length-weighted mean sentence vectors, blended with term Dice."""
        da = (fa.vectors * fa.lengths[:, None]).sum(axis=0)
        db = (fb.vectors * fb.lengths[:, None]).sum(axis=0)
        norm = float(np.linalg.norm(da) * np.linalg.norm(db)) or 1.0
        cos = np.array([[float(da @ db) / norm]], dtype=np.float32)
        emb = float(calibrate(cos, self._weights.floor)[0, 0])
        ta = set().union(*fa.terms)
        tb = set().union(*fb.terms)
        dice = 2 * len(ta & tb) / (len(ta) + len(tb)) if ta or tb else 0.0
        w = self._weights.lexical
        return w * dice + (1 - w) * emb


_COMPARERS: dict[str, Comparer] = {}


def compare(a: str | Document, b: str | Document, *, model: str = "fast") -> Comparison:
    """Compare two articles given as text or Documents.

    Example:
        >>> c = compare(
        ...     "Prices rose 5% in May, the agency said.", "The agency said prices rose 5% in May."
        ... )
        >>> str(c.verdict), [ch.a for ch in c.changes if ch.kind == "number-agrees"]
        ('rewrite', ['5%'])
    """
    comparer = _COMPARERS.get(model)
    if comparer is None:
        comparer = _COMPARERS[model] = Comparer(model)
    return comparer.compare(a, b)

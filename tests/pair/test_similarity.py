import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.pair.similarity import SentenceFeatures, Weights, block_sims, content_terms, stem

SENTENCES = [
    "The river burst its banks on Tuesday.",
    "Rescuers lifted 90 people from windows.",
    "Schools stay shut until Monday.",
    "The mayor promised a new fund.",
]


def _features(texts: list[str], seed: int) -> SentenceFeatures:
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(len(texts), 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return SentenceFeatures.build(texts, vecs)


def test_stem_matches_inflections() -> None:
    assert stem("determined") == stem("determine")
    assert stem("1,200") == "1,200"


def test_content_terms_drop_stopwords_and_possessives() -> None:
    assert content_terms("The mayor's fund was promised") == ["mayor", "fund", "promis"]


@settings(max_examples=25, deadline=None)
@given(st.permutations(SENTENCES), st.integers(0, 1000))
def test_one_to_one_similarity_is_symmetric_and_bounded(order: list[str], seed: int) -> None:
    fa = _features(SENTENCES, seed)
    fb = SentenceFeatures.build(order, fa.vectors[[SENTENCES.index(t) for t in order]])
    ab = block_sims(fa, fb).sims[(1, 1)]
    ba = block_sims(fb, fa).sims[(1, 1)]
    assert np.allclose(ab, ba.T, atol=1e-5)
    assert ab.min() >= 0.0 and ab.max() <= 1.0 + 1e-6


def test_identical_sentences_score_one() -> None:
    fa = _features(SENTENCES, 1)
    sims = block_sims(fa, fa).sims[(1, 1)]
    assert np.allclose(np.diag(sims), 1.0, atol=1e-5)


def test_block_shapes() -> None:
    fa, fb = _features(SENTENCES, 1), _features(SENTENCES[:3], 2)
    sims = block_sims(fa, fb).sims
    assert sims[(2, 1)].shape == (3, 3)
    assert sims[(1, 3)].shape == (4, 1)


def test_weights_validate() -> None:
    with pytest.raises(ValueError, match=r"lexical weight must be in \[0.0, 1.0\]"):
        Weights(lexical=1.5)

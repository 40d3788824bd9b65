import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from retold.pair.align import AlignConfig, align
from retold.pair.similarity import BlockSims


def test_diagonal_with_one_added_sentence() -> None:
    s = np.full((3, 4), 0.1, dtype=np.float32)
    s[0, 0], s[1, 2], s[2, 3] = 0.9, 0.8, 0.85
    al = align(BlockSims.from_matrix(s))
    assert [(lk.a, lk.b) for lk in al.links] == [((0,), (0,)), ((1,), (2,)), ((2,), (3,))]
    assert al.b_only == (1,)
    assert al.a_only == ()


def test_split_sentence_becomes_one_to_two_link() -> None:
    # A[1] was split into B[1] and B[2]: each half matches A[1] partly, the pair matches well
    s = np.full((3, 4), 0.05, dtype=np.float32)
    s[0, 0], s[2, 3] = 0.9, 0.9
    s[1, 1], s[1, 2] = 0.45, 0.4
    sims = BlockSims.from_matrix(s)
    sims.sims[(1, 2)][1, 1] = 0.8
    al = align(sims)
    assert ((1,), (1, 2)) in [(lk.a, lk.b) for lk in al.links]


def test_moved_passage_is_recovered_and_flagged() -> None:
    s = np.full((4, 4), 0.05, dtype=np.float32)
    # B = A[2], A[3], A[0], A[1]
    s[2, 0], s[3, 1], s[0, 2], s[1, 3] = 0.9, 0.9, 0.88, 0.87
    al = align(BlockSims.from_matrix(s))
    pairs = {(lk.a, lk.b): lk.moved for lk in al.links}
    assert set(pairs) == {((0,), (2,)), ((1,), (3,)), ((2,), (0,)), ((3,), (1,))}
    assert sum(pairs.values()) == 2
    assert al.a_only == al.b_only == ()


def test_weak_but_anchored_link_is_kept_and_weak_unanchored_is_not() -> None:
    s = np.full((2, 3), 0.05, dtype=np.float32)
    s[0, 0] = 0.4  # low, but the clear best of its row and column
    s[1, 1], s[1, 2] = 0.3, 0.27  # low and ambiguous
    al = align(BlockSims.from_matrix(s))
    assert [(lk.a, lk.b) for lk in al.links] == [((0,), (0,))]


def test_single_sentences_sandwiched_between_links_are_linked() -> None:
    s = np.full((3, 3), 0.05, dtype=np.float32)
    s[0, 0], s[2, 2] = 0.9, 0.9
    s[1, 1] = 0.18  # a deep paraphrase in the same position
    al = align(BlockSims.from_matrix(s))
    assert [(lk.a, lk.b) for lk in al.links] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    # a caption on one side does not stop the gap from being filled
    s2 = np.full((4, 3), 0.05, dtype=np.float32)
    s2[0, 0], s2[3, 2], s2[2, 1] = 0.9, 0.9, 0.18
    al = align(BlockSims.from_matrix(s2), skip_a=frozenset({1}))
    assert ((2,), (1,)) in [(lk.a, lk.b) for lk in al.links] and al.a_only == (1,)


def test_empty_sides() -> None:
    al = align(BlockSims.from_matrix(np.zeros((0, 3), dtype=np.float32)))
    assert al.links == () and al.b_only == (0, 1, 2)


def test_config_validation_says_what_is_wrong() -> None:
    with pytest.raises(ValueError, match=r"threshold must be in \[0.0, 1.0\], got 1.5"):
        AlignConfig(threshold=1.5)
    with pytest.raises(ValueError, match="anchor_threshold must not exceed threshold"):
        AlignConfig(threshold=0.3, anchor_threshold=0.4)


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float32,
        st.tuples(st.integers(1, 7), st.integers(1, 7)),
        elements=st.floats(0, 1, width=32),
    )
)
def test_links_are_disjoint_and_in_order(s: np.ndarray) -> None:
    al = align(BlockSims.from_matrix(s), AlignConfig(attach=False))
    used_a = [i for lk in al.links for i in lk.a]
    used_b = [j for lk in al.links for j in lk.b]
    assert len(used_a) == len(set(used_a)) and len(used_b) == len(set(used_b))
    assert sorted(set(used_a) | set(al.a_only)) == list(range(s.shape[0]))
    assert sorted(set(used_b) | set(al.b_only)) == list(range(s.shape[1]))
    in_order = [lk for lk in al.links if not lk.moved]
    for x, y in itertools.pairwise(in_order):
        assert x.a[-1] < y.a[0] and x.b[-1] < y.b[0]
    for lk in al.links:
        assert list(lk.a) == list(range(lk.a[0], lk.a[-1] + 1))
        assert list(lk.b) == list(range(lk.b[0], lk.b[-1] + 1))


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float32,
        st.tuples(st.integers(1, 7), st.integers(1, 7)),
        elements=st.floats(0, 1, width=32),
    )
)
def test_groups_are_disjoint_and_ascending(s: np.ndarray) -> None:
    al = align(BlockSims.from_matrix(s))
    used_a = [i for lk in al.links for i in lk.a]
    used_b = [j for lk in al.links for j in lk.b]
    assert len(used_a) == len(set(used_a)) and len(used_b) == len(set(used_b))
    assert sorted(set(used_a) | set(al.a_only)) == list(range(s.shape[0]))
    assert sorted(set(used_b) | set(al.b_only)) == list(range(s.shape[1]))
    for lk in al.links:
        assert list(lk.a) == sorted(lk.a) and list(lk.b) == sorted(lk.b)
    # attachment only grows links with sentences the plain alignment left over
    plain = align(BlockSims.from_matrix(s), AlignConfig(attach=False))
    assert len(plain.links) == len(al.links)
    for before in plain.links:
        (after,) = [lk for lk in al.links if before.a[0] in lk.a]
        assert set(before.a) <= set(after.a) and set(before.b) <= set(after.b)
        assert set(after.a) - set(before.a) <= set(plain.a_only)
        assert set(after.b) - set(before.b) <= set(plain.b_only)


def test_a_merged_sentence_draws_on_sentences_far_apart() -> None:
    # B0 condenses A0 and A3: A3 is left over by the monotone chain and joins B0's link
    s = np.array(
        [
            [0.9, 0.0, 0.0],
            [0.0, 0.8, 0.0],
            [0.0, 0.0, 0.8],
            [0.65, 0.1, 0.1],
        ],
        dtype=np.float32,
    )
    al = align(BlockSims.from_matrix(s))
    assert [(lk.a, lk.b) for lk in al.links] == [((0, 3), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert al.a_only == ()
    off = align(BlockSims.from_matrix(s), AlignConfig(attach=False))
    assert off.a_only == (3,)

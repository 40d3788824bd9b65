"""Order-aware sentence alignment by dynamic programming over block similarity matrices.

The aligner sees only numbers (``BlockSims``), never a model. It picks the monotone set of
links (1:1, 1:2, 2:1, 1:3, 3:1) that maximises the total margin of similarity above the
anchor threshold; sentences left over are skipped. A block may link when its similarity clears
``threshold`` on its own, or when it clears the lower ``anchor_threshold`` and is *anchored*:
each of its sentences finds its best counterpart inside the block, with a clear margin over the
runner-up. Heavy paraphrases score low in absolute terms but stand out within their row and
column; independently written stories on the same event do not do so sentence after sentence.
A second pass fills one-sentence gaps sandwiched between links (the sentences in the same
position on both sides, however deeply reworded), a third links leftover sentences out of
order, which recovers moved passages, and a fourth attaches each sentence still left over to
the link of the sentence it draws on: a language model's condensed copy merges three or four
source sentences into one, from anywhere in the source, so links may grow into m:n groups whose
sentences need not be consecutive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retold.documents import Alignment, Link, LinkKind
from retold.pair.similarity import SHAPES, BlockSims

_NEG = -1e18


@dataclass(frozen=True)
class AlignConfig:
    """Parameters of the aligner.

    Attributes:
        threshold: Least block similarity for a link in reading order on similarity alone.
        anchor_threshold: Least similarity for an anchored link (see the module docstring).
        anchor_margin: How far a 1:1 anchored link must lead the runner-up in its row and column.
        moved_threshold: Least similarity for a link that breaks the reading order.
        merge_penalty: Cost per extra sentence in a 1:2, 2:1, ... link, so merges must earn it.
        merge_gain: A merged link must beat the best 1:1 pair inside it by this much: longer
            blocks share more words by chance, so a merge has to add real similarity.
        gap_floor: Least similarity to link the single sentences left between two links.
        member_containment: Each sentence inside a merged link must share at least this share
            of its content words with the other side of the link...
        member_similarity: ...or reach this 1:1 similarity with one of its sentences.
        attach_similarity: Least 1:1 similarity for a leftover sentence to join the link of its
            best counterpart...
        attach_containment: ...when that counterpart also holds this share of its content words.
        attach: Whether leftover sentences join links at all (off: every link is a run of
            consecutive sentences, 1..3 on each side).
    """

    threshold: float = 0.5
    anchor_threshold: float = 0.25
    anchor_margin: float = 0.08
    moved_threshold: float = 0.55
    gap_floor: float = 0.15
    merge_penalty: float = 0.04
    merge_gain: float = 0.05
    member_containment: float = 0.3
    member_similarity: float = 0.35
    attach_similarity: float = 0.35
    attach_containment: float = 0.6
    attach: bool = True

    def __post_init__(self) -> None:
        for name in (
            "threshold",
            "anchor_threshold",
            "anchor_margin",
            "moved_threshold",
            "gap_floor",
            "member_containment",
            "member_similarity",
            "attach_similarity",
            "attach_containment",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0.0, 1.0], got {value}")
        if self.merge_penalty < 0 or self.merge_gain < 0:
            raise ValueError("merge_penalty and merge_gain must be >= 0")
        if self.anchor_threshold > self.threshold:
            raise ValueError("anchor_threshold must not exceed threshold")


def _member_ok(sims: BlockSims, k: int, l: int, cfg: AlignConfig) -> npt.NDArray[np.bool_]:
    """Cells (i, j) where every sentence of A[i:i+k] and of B[j:j+l] relates to the other side."""
    s11 = sims.sims[(1, 1)]
    n, m = s11.shape
    rows, cols = n - k + 1, m - l + 1
    ok = np.ones((max(rows, 0), max(cols, 0)), dtype=bool)
    if rows <= 0 or cols <= 0:
        return ok
    related_a = (sims.contain_a >= cfg.member_containment) | (s11 >= cfg.member_similarity)
    related_b = (sims.contain_b >= cfg.member_containment) | (s11 >= cfg.member_similarity)
    if k > 1:
        for o in range(k):
            any_b = np.zeros((rows, cols), dtype=bool)
            for p in range(l):
                any_b |= related_a[o : o + rows, p : p + cols]
            ok &= any_b
    if l > 1:
        for p in range(l):
            any_a = np.zeros((rows, cols), dtype=bool)
            for o in range(k):
                any_a |= related_b[o : o + rows, p : p + cols]
            ok &= any_a
    return ok


def _anchored(s11: npt.NDArray[np.float32], k: int, l: int, margin: float) -> npt.NDArray[np.bool_]:
    """Cells (i, j) where each sentence of A[i:i+k] has its row best inside B[j:j+l] and each
    sentence of B[j:j+l] its column best inside A[i:i+k]; 1:1 cells must also lead by margin."""
    n, m = s11.shape
    rows, cols = n - k + 1, m - l + 1
    if rows <= 0 or cols <= 0:
        return np.zeros((max(rows, 0), max(cols, 0)), dtype=bool)
    row_best, col_best = s11.argmax(axis=1), s11.argmax(axis=0)
    jj, ii = np.arange(cols)[None, :], np.arange(rows)[:, None]
    ok = np.ones((rows, cols), dtype=bool)
    for o in range(k):
        rb = row_best[o : o + rows][:, None]
        ok &= (rb >= jj) & (rb < jj + l)
    for p in range(l):
        cb = col_best[p : p + cols][None, :]
        ok &= (cb >= ii) & (cb < ii + k)
    if (k, l) == (1, 1):
        if n == 1 and m == 1:
            return np.zeros((1, 1), dtype=bool)  # one sentence each: no runner-up to lead
        top2_rows = -np.sort(-s11, axis=1)[:, :2]
        top2_cols = -np.sort(-s11, axis=0)[:2, :]
        # a side with a single sentence offers no runner-up: the other side's must do
        second_row = top2_rows[:, 1:2] if m > 1 else np.zeros((n, 1), np.float32)
        second_col = top2_cols[1:2, :] if n > 1 else np.zeros((1, m), np.float32)
        ok &= s11 - np.maximum(second_row, second_col) >= margin
    return ok


def _best_inside(s11: npt.NDArray[np.float32], k: int, l: int) -> npt.NDArray[np.float32]:
    """For each block A[i:i+k] x B[j:j+l], its highest 1:1 similarity."""
    n, m = s11.shape
    rows, cols = n - k + 1, m - l + 1
    out = np.zeros((max(rows, 0), max(cols, 0)), dtype=np.float32)
    if rows <= 0 or cols <= 0:
        return out
    for o in range(k):
        for p in range(l):
            np.maximum(out, s11[o : o + rows, p : p + cols], out=out)
    return out


def _gains(sims: BlockSims, cfg: AlignConfig) -> dict[tuple[int, int], npt.NDArray[np.float64]]:
    gains = {}
    s11 = sims.sims[(1, 1)]
    for (k, l), s in sims.sims.items():
        g = (s.astype(np.float64) - cfg.anchor_threshold) * (k + l) / 2
        g -= cfg.merge_penalty * (k + l - 2)
        valid = (s >= cfg.threshold) | (
            (s >= cfg.anchor_threshold) & _anchored(s11, k, l, cfg.anchor_margin)
        )
        if (k, l) != (1, 1):
            valid &= _member_ok(sims, k, l, cfg)
            valid &= s >= _best_inside(s11, k, l) + cfg.merge_gain
        gains[(k, l)] = np.where(valid & (g > 0), g, _NEG)
    return gains


def _monotone(sims: BlockSims, cfg: AlignConfig) -> list[tuple[int, int, int, int, float]]:
    """Best monotone chain of blocks as (i, k, j, l, similarity), in order."""
    n, m = sims.shape
    gains = _gains(sims, cfg)
    dp = np.zeros((n + 1, m + 1), dtype=np.float64)
    for i in range(1, n + 1):
        cand = dp[i - 1].copy()
        for (k, l), g in gains.items():
            if i - k < 0 or g.shape[1] == 0:
                continue
            row = dp[i - k, : g.shape[1]] + g[i - k]
            np.maximum(cand[l : l + g.shape[1]], row, out=cand[l : l + g.shape[1]])
        dp[i] = np.maximum.accumulate(cand)
    out = []
    i, j = n, m
    while i > 0 and j > 0:
        here = dp[i, j]
        if here == dp[i, j - 1]:
            j -= 1
            continue
        if here == dp[i - 1, j]:
            i -= 1
            continue
        for k, l in gains:
            if i - k < 0 or j - l < 0:
                continue
            g = gains[(k, l)][i - k, j - l]
            if g > _NEG / 2 and np.isclose(dp[i - k, j - l] + g, here, rtol=0, atol=1e-9):
                out.append((i - k, k, j - l, l, float(sims.sims[(k, l)][i - k, j - l])))
                i, j = i - k, j - l
                break
        else:  # pragma: no cover - the recurrence guarantees one option matches
            raise RuntimeError("alignment backtrack found no matching step")
    out.reverse()
    return out


def _moved(
    sims: BlockSims, used_a: set[int], used_b: set[int], cfg: AlignConfig
) -> list[tuple[int, int, float]]:
    """Greedy 1:1 links among leftover sentences, best first."""
    s11 = sims.sims[(1, 1)]
    free_a = [i for i in range(s11.shape[0]) if i not in used_a]
    free_b = [j for j in range(s11.shape[1]) if j not in used_b]
    if not free_a or not free_b:
        return []
    sub = s11[np.ix_(free_a, free_b)]
    order = np.argsort(-sub, axis=None, kind="stable")
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    out = []
    for flat in order:
        r, c = divmod(int(flat), sub.shape[1])
        if sub[r, c] < cfg.moved_threshold:
            break
        if r in taken_a or c in taken_b:
            continue
        taken_a.add(r)
        taken_b.add(c)
        out.append((free_a[r], free_b[c], float(sub[r, c])))
    return out


def _gaps(
    chain: list[tuple[int, int, int, int, float]],
    n: int,
    m: int,
    skip_a: frozenset[int],
    skip_b: frozenset[int],
) -> list[tuple[int, int]]:
    """Pairs (i, j) that sit alone between two consecutive links of the chain, on both sides."""
    out = []
    bounds = [(-1, -1), *((i + k - 1, j + l - 1) for i, k, j, l, _ in chain)]
    starts = [(i, j) for i, _, j, _, _ in chain] + [(n, m)]
    for (end_a, end_b), (start_a, start_b) in zip(bounds, starts, strict=True):
        if (end_a, end_b) == (-1, -1) and (start_a, start_b) == (n, m):
            continue  # no link at all: nothing to sandwich between
        gap_a = [i for i in range(end_a + 1, start_a) if i not in skip_a]
        gap_b = [j for j in range(end_b + 1, start_b) if j not in skip_b]
        if len(gap_a) == 1 and len(gap_b) == 1:
            out.append((gap_a[0], gap_b[0]))
    return out


def _attach(sims: BlockSims, links: list[Link], n: int, m: int, cfg: AlignConfig) -> list[Link]:
    """Leftover sentences joined to the link of the sentence they draw on (m:n groups).

    A leftover sentence of one side joins when its best counterpart on the other side is
    linked, their 1:1 similarity clears ``attach_similarity`` and the counterpart holds at least
    ``attach_containment`` of its content words. Each sentence joins at most one link.
    """
    s11 = sims.sims[(1, 1)]
    owner_a = {i: k for k, link in enumerate(links) for i in link.a}
    owner_b = {j: k for k, link in enumerate(links) for j in link.b}
    add_a: dict[int, list[int]] = {}
    add_b: dict[int, list[int]] = {}
    for i in range(n):
        if i in owner_a or m == 0:
            continue
        j = int(s11[i].argmax())
        if (
            j in owner_b
            and s11[i, j] >= cfg.attach_similarity
            and sims.contain_a[i, j] >= cfg.attach_containment
        ):
            add_a.setdefault(owner_b[j], []).append(i)
    for j in range(m):
        if j in owner_b or n == 0:
            continue
        i = int(s11[:, j].argmax())
        if (
            i in owner_a
            and s11[i, j] >= cfg.attach_similarity
            and sims.contain_b[i, j] >= cfg.attach_containment
        ):
            add_b.setdefault(owner_a[i], []).append(j)
    out = []
    for k, link in enumerate(links):
        if k not in add_a and k not in add_b:
            out.append(link)
            continue
        a = tuple(sorted((*link.a, *add_a.get(k, ()))))
        b = tuple(sorted((*link.b, *add_b.get(k, ()))))
        out.append(Link(a, b, link.similarity, link.kind, link.moved))
    return out


def align(
    sims: BlockSims,
    config: AlignConfig | None = None,
    *,
    skip_a: frozenset[int] = frozenset(),
    skip_b: frozenset[int] = frozenset(),
) -> Alignment:
    """Align two sentence lists given their block similarities.

    Links come back in the order of A; every kind is ``reworded`` here (the caller refines it
    from the texts). Links are disjoint: no sentence is in two links. ``skip_a``/``skip_b`` name
    sentences (captions, credits) that gap filling looks past.

    Example:
        >>> import numpy as np
        >>> s = np.array([[0.9, 0.1, 0.0, 0.0], [0.1, 0.1, 0.1, 0.0], [0.0, 0.1, 0.0, 0.8]])
        >>> al = align(BlockSims.from_matrix(s))
        >>> [(l.a, l.b) for l in al.links], al.a_only, al.b_only
        ([((0,), (0,)), ((2,), (3,))], (1,), (1, 2))
    """
    cfg = config or AlignConfig()
    missing = [shape for shape in SHAPES if shape not in sims.sims]
    if (1, 1) in missing:
        raise ValueError("block similarities must include the 1:1 matrix")
    n, m = sims.shape
    links: list[Link] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    if n and m:
        chain = _monotone(sims, cfg)
        for i, k, j, l, sim in chain:
            links.append(Link(tuple(range(i, i + k)), tuple(range(j, j + l)), sim))
            used_a.update(range(i, i + k))
            used_b.update(range(j, j + l))
        s11 = sims.sims[(1, 1)]
        for i, j in _gaps(chain, n, m, skip_a, skip_b):
            if s11[i, j] >= cfg.gap_floor:
                links.append(Link((i,), (j,), float(s11[i, j])))
                used_a.add(i)
                used_b.add(j)
        for i, j, sim in _moved(sims, used_a, used_b, cfg):
            links.append(Link((i,), (j,), sim, LinkKind.REWORDED, moved=True))
            used_a.add(i)
            used_b.add(j)
        if cfg.attach:
            links = _attach(sims, links, n, m, cfg)
        used_a = {i for link in links for i in link.a}
        used_b = {j for link in links for j in link.b}
    links.sort(key=lambda link: link.a[0])
    return Alignment(
        links=tuple(links),
        a_only=tuple(i for i in range(n) if i not in used_a),
        b_only=tuple(j for j in range(m) if j not in used_b),
    )

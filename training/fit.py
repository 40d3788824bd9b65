"""Logistic regression by iteratively reweighted least squares, and grouped cross-validation.

Plain numpy, so training needs nothing beyond the package's own dependencies, and the fitted
model is a weight vector the package evaluates with one dot product.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Logistic:
    """A fitted model: ``p = sigmoid(((x - mean) / scale) @ coef + intercept)``."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logit(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def predict(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(x)))


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    *,
    l2: float = 1.0,
    sample_weight: np.ndarray | None = None,
    intercept: bool = True,
    iterations: int = 50,
) -> Logistic:
    """L2-regularised logistic regression (the intercept is not penalised)."""
    mean = x.mean(axis=0) if intercept else np.zeros(x.shape[1])
    scale = x.std(axis=0) if intercept else np.sqrt((x**2).mean(axis=0))
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = (x - mean) / scale
    if intercept:
        z = np.hstack([z, np.ones((len(z), 1))])
    w = np.zeros(z.shape[1])
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    penalty = np.full(z.shape[1], l2)
    if intercept:
        penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (sw * (p - y)) + penalty * w
        hess = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    coef = w[:-1] if intercept else w
    return Logistic(mean, scale, coef, float(w[-1]) if intercept else 0.0)


def group_folds(groups: Sequence[str], k: int = 5, seed: int = 0) -> list[np.ndarray]:
    """Indices of each test fold; every group lands in exactly one fold."""
    uniq = sorted(set(groups))
    rng = np.random.default_rng(seed)
    rng.shuffle(uniq)
    fold_of = {g: i % k for i, g in enumerate(uniq)}
    labels = np.array([fold_of[g] for g in groups])
    return [np.flatnonzero(labels == i) for i in range(k)]


def prf(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float, float, int, int]:
    """Precision, recall, F1, positives and predicted positives."""
    tp = float(np.sum(gold & pred))
    p = tp / max(1, int(pred.sum()))
    r = tp / max(1, int(gold.sum()))
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, int(gold.sum()), int(pred.sum())


def calibration(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[tuple[float, float, int]]:
    """(mean predicted, observed rate, count) per probability bin."""
    out = []
    edges = np.linspace(0, 1, bins + 1)
    for lo, hi in itertools.pairwise(edges):
        m = (p >= lo) & (p < hi) if hi < 1 else (p >= lo) & (p <= hi)
        if m.any():
            out.append((float(p[m].mean()), float(y[m].mean()), int(m.sum())))
    return out

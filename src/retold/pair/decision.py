"""The trained decision: calibrated logistic models over pair features, shipped as JSON.

Two models live in ``retold/data/decision.json``, rebuilt from the development data by
``training/train_decision.py``:

- ``reuse``: the probability that one text copies the other (any verdict but related or
  unrelated), from the symmetric features of :mod:`retold.pair.features`;
- ``direction``: the probability that A is the source, from side-by-side differences
  (:func:`retold.pair.direction.direction_features`) with no intercept, so swapping A and B turns
  ``p`` into ``1 - p`` exactly.

A logistic model is a weight vector evaluated with one dot product; it stays readable (each
weight says what a feature is worth) and its probability is calibrated by construction on the
data it was fit to (the training script reports calibration on held-out folds).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from retold.errors import RetoldError


@dataclass(frozen=True)
class LogisticModel:
    """``p = sigmoid(sum(coef * (x - mean) / scale) + intercept)`` over named features.

    Attributes:
        features: Feature names, in the order of the other vectors.
        mean: Centre of each feature.
        scale: Spread of each feature (never zero).
        coef: Weight of each standardised feature.
        intercept: Bias.
        threshold: Probability at or above which the answer is yes.
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5

    def __post_init__(self) -> None:
        n = len(self.features)
        if not (len(self.mean) == len(self.scale) == len(self.coef) == n):
            raise ValueError("features, mean, scale and coef must have one entry per feature")
        if any(s <= 0 for s in self.scale):
            raise ValueError("every scale must be > 0")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be in (0.0, 1.0), got {self.threshold}")

    def logit(self, values: Mapping[str, float]) -> float:
        """The model's log-odds for a feature mapping (missing features count as the mean)."""
        z = self.intercept
        for name, mu, sd, w in zip(self.features, self.mean, self.scale, self.coef, strict=True):
            z += w * (float(values.get(name, mu)) - mu) / sd
        return z

    def probability(self, values: Mapping[str, float]) -> float:
        """Calibrated probability in (0, 1)."""
        z = self.logit(values)
        return 1.0 / (1.0 + math.exp(-z)) if z >= -700 else 0.0

    def contributions(self, values: Mapping[str, float]) -> dict[str, float]:
        """Each feature's share of the log-odds (what pushed the decision which way)."""
        return {
            name: w * (float(values.get(name, mu)) - mu) / sd
            for name, mu, sd, w in zip(self.features, self.mean, self.scale, self.coef, strict=True)
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> LogisticModel:
        return cls(
            features=tuple(obj["features"]),
            mean=tuple(float(v) for v in obj["mean"]),
            scale=tuple(float(v) for v in obj["scale"]),
            coef=tuple(float(v) for v in obj["coef"]),
            intercept=float(obj.get("intercept", 0.0)),
            threshold=float(obj.get("threshold", 0.5)),
        )


@dataclass(frozen=True)
class DecisionModels:
    """The shipped models, plus what the training script recorded about them."""

    reuse: LogisticModel
    direction: LogisticModel
    direction_answer: float
    info: Mapping[str, Any]

    def __post_init__(self) -> None:
        if not 0.5 <= self.direction_answer < 1.0:
            raise ValueError("direction_answer must be in [0.5, 1.0)")


def parse_models(obj: Mapping[str, Any]) -> DecisionModels:
    """Models from the JSON object ``training/train_decision.py`` writes."""
    try:
        return DecisionModels(
            reuse=LogisticModel.from_dict(obj["reuse"]),
            direction=LogisticModel.from_dict(obj["direction"]),
            direction_answer=float(obj.get("direction_answer", 0.7)),
            info=dict(obj.get("info", {})),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RetoldError(
            f"the decision model file is damaged ({exc}): reinstall retold, or rebuild it with "
            "python training/train_decision.py"
        ) from exc


@lru_cache(maxsize=1)
def shipped_models() -> DecisionModels:
    """The models that ship in the package (read once)."""
    text = resources.files("retold").joinpath("data/decision.json").read_text(encoding="utf-8")
    return parse_models(json.loads(text))

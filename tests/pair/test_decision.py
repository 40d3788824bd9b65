import json
from importlib import resources

import pytest

from retold.errors import RetoldError
from retold.pair.decision import LogisticModel, parse_models, shipped_models
from retold.pair.direction import DIRECTION_FEATURES
from retold.pair.features import FEATURE_NAMES


def test_the_shipped_models_cover_every_feature() -> None:
    models = shipped_models()
    assert models.reuse.features == FEATURE_NAMES
    assert models.direction.features == DIRECTION_FEATURES
    assert models.direction.intercept == 0.0


def test_probability_follows_the_weights() -> None:
    m = LogisticModel(("x", "y"), (0.0, 0.0), (1.0, 2.0), (1.5, -1.0), 0.25)
    assert m.logit({"x": 1.0, "y": 2.0}) == pytest.approx(1.5 - 1.0 + 0.25)
    assert m.probability({"x": 0.0, "y": 0.0}) == pytest.approx(1 / (1 + 2.718281828**-0.25))
    assert m.contributions({"x": 2.0, "y": 0.0}) == {"x": 3.0, "y": 0.0}
    # a missing feature counts as its mean
    assert m.logit({}) == pytest.approx(0.25)


def test_a_damaged_model_file_says_how_to_fix_it() -> None:
    text = resources.files("retold").joinpath("data/decision.json").read_text()
    obj = json.loads(text)
    del obj["reuse"]["coef"]
    with pytest.raises(RetoldError, match=r"rebuild it with python training/train_decision\.py"):
        parse_models(obj)


def test_model_validation() -> None:
    with pytest.raises(ValueError, match="one entry per feature"):
        LogisticModel(("x",), (0.0, 1.0), (1.0,), (1.0,), 0.0)
    with pytest.raises(ValueError, match="scale"):
        LogisticModel(("x",), (0.0,), (0.0,), (1.0,), 0.0)

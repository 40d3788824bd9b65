import math

from hypothesis import given, settings
from hypothesis import strategies as st

from retold.documents import Document
from retold.pair.decision import shipped_models
from retold.pair.direction import DIRECTION_FEATURES, direction_features, guess_direction
from retold.segment import segment

SOURCE = (
    "Flood barriers at Kelmer Bridge failed at 4:10 a.m. on Sunday, March 9, the river "
    "authority said. Water rose 2.4 metres in an hour and 312 homes in Lowside were "
    'evacuated. "We had minutes, not hours," said Dana Ortis, who runs the shelter at the '
    "Kelmer sports hall. The authority's chief, Piet Varga, said the barriers were last "
    "tested in 2019. Repairs will cost 14 million euros, according to the regional council. "
    "Trains between Kelmer and Astby stay suspended until Wednesday."
)
COPY = (
    "Hundreds of homes were evacuated in Lowside when Kelmer Bridge's flood barriers gave "
    "way early on Sunday. Officials say the barriers had not been tested in years."
)


def _seg(text: str, published: str | None = None):  # type: ignore[no-untyped-def]
    return segment(Document("x", text, published=published))


def test_earlier_publication_wins() -> None:
    a, b = _seg(SOURCE, "2024-05-02T10:00:00Z"), _seg(COPY, "2024-05-01")
    d = guess_direction(a, b, 0.3, 1.0, shipped_models())
    assert (d.source, d.reason) == ("b", "published earlier")


def test_the_condensed_copy_is_told_from_its_source_either_way_round() -> None:
    a, b = _seg(SOURCE), _seg(COPY)
    forward = guess_direction(a, b, 0.4, 1.0, shipped_models())
    backward = guess_direction(b, a, 1.0, 0.4, shipped_models())
    assert forward.source == "a" and backward.source == "b"
    assert math.isclose(forward.confidence, backward.confidence)


def test_features_are_differences() -> None:
    a, b = _seg(SOURCE), _seg(COPY)
    fwd = direction_features(a, b, 0.4, 1.0)
    bwd = direction_features(b, a, 1.0, 0.4)
    assert set(fwd) == set(DIRECTION_FEATURES)
    for name in DIRECTION_FEATURES:
        assert math.isclose(fwd[name], -bwd[name], abs_tol=1e-12)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(-3, 3), min_size=len(DIRECTION_FEATURES), max_size=len(DIRECTION_FEATURES))
)
def test_swapping_the_sides_swaps_the_probability(values: list[float]) -> None:
    model = shipped_models().direction
    f = dict(zip(DIRECTION_FEATURES, values, strict=True))
    g = {k: -v for k, v in f.items()}
    assert math.isclose(model.probability(f) + model.probability(g), 1.0, abs_tol=1e-9)

import math

from retold.pair.compare import Comparer
from retold.pair.features import FEATURE_NAMES

SOURCE = (
    "A fire broke out at the Harrow Lane recycling depot in Velden at 2 a.m. on Tuesday. "
    "Forty firefighters fought the blaze for six hours, the fire service said. "
    "Residents within 500 metres were told to keep windows shut because of the smoke. "
    "The depot's owner, Marit Olsen, said nobody was hurt and the cause was not yet known. "
    "It was the third fire at the site since 2021."
)
COPY = (
    "Six hours and forty firefighters were needed to put out a blaze at Velden's Harrow Lane "
    "recycling depot that started at 2 a.m. on Tuesday. Marit Olsen, who owns the depot, said "
    "no one was injured; people living within 500 metres had been warned to keep their "
    "windows closed. What a terrible night for the neighbourhood!"
)


def test_features_do_not_depend_on_which_side_is_a() -> None:
    c = Comparer("fast")
    fwd = c.compare(SOURCE, COPY).features
    bwd = c.compare(COPY, SOURCE).features
    assert tuple(fwd) == FEATURE_NAMES
    for name in FEATURE_NAMES:
        assert math.isclose(fwd[name], bwd[name], abs_tol=1e-6), name


def test_a_condensed_copy_is_accounted_for_by_its_source() -> None:
    f = Comparer("fast").compare(SOURCE, COPY).features
    assert f["length_ratio"] < 0.9
    assert f["specifics_short"] > 0.7  # its numbers and names come from the source
    assert f["coverage_short"] > f["coverage_long"] * 0.9

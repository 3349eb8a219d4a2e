import pytest
from django.core.exceptions import ValidationError

from community.models.invitations import normalise_code
from community.models.towns import validate_outline

SQUARE = [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.0]]]


@pytest.mark.parametrize(
    "outline",
    [
        None,
        {"type": "Polygon", "coordinates": SQUARE},
        {"type": "MultiPolygon", "coordinates": [SQUARE]},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": SQUARE}},
    ],
)
def test_geojson_outlines_are_accepted(outline):
    validate_outline(outline)


@pytest.mark.parametrize(
    "outline",
    [{"type": "Point", "coordinates": [2, 48]}, {"type": "Polygon"}, [1, 2], "x"],
)
def test_other_outlines_are_refused(outline):
    with pytest.raises(ValidationError):
        validate_outline(outline)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("abcd-efgh", "ABCD-EFGH"),
        (" abcd efgh ", "ABCD-EFGH"),
        ("ABCDEFGH", "ABCD-EFGH"),
    ],
)
def test_codes_are_read_however_they_are_typed(typed, stored):
    assert normalise_code(typed) == stored

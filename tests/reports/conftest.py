"""Fixtures of the reports' tests."""

import pytest


@pytest.fixture
def bounded_town(town):
    """The town with bounds: a box of about 11 × 8 km around 45.05, 4.05."""
    town.bounds_south, town.bounds_north = 45.0, 45.1
    town.bounds_west, town.bounds_east = 4.0, 4.1
    town.save()
    return town

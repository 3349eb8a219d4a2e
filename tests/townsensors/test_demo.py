"""The demo town's sensors: a dozen, three days of values, once."""

import pytest

from demo.sensors import SENSORS, seed_demo_sensors
from scoring.models import TownSensorReading
from townsensors.queries import map_sensors

pytestmark = pytest.mark.django_db


def test_a_dozen_sensors_with_values_and_one_silent(town):
    stored = seed_demo_sensors(town)
    assert stored > 12 * 3 * 24 * 4 - 100
    assert TownSensorReading.objects.filter(town_id=town.pk).count() == stored
    rows = map_sensors(town)
    assert len(rows) == len(SENSORS) == 12
    assert {row["kind"] for row in rows} == {"temperature", "parking", "lighting"}
    silent = [row for row in rows if row["silent"]]
    assert len(silent) == 1 and silent[0]["name"].endswith("quai de la Deûle")
    assert all(row["value"] is not None for row in rows)
    # Again: nothing more.
    assert seed_demo_sensors(town) == 0
    assert TownSensorReading.objects.filter(town_id=town.pk).count() == stored

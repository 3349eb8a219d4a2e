"""Fixtures of the town sensors' tests: sensors of the test town and a key."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.apikeys import do_create_api_key
from community.models import ApiKeyPurpose
from scoring import client
from tests.scoring.conftest import _closed_breaker  # noqa: F401 (autouse here too)
from townsensors.models import SensorKind, TownSensor


def make_sensor(town, name: str, **fields) -> TownSensor:
    fields.setdefault("kind", SensorKind.TEMPERATURE)
    fields.setdefault("unit", "°C")
    fields.setdefault("latitude", 45.05)
    fields.setdefault("longitude", 4.05)
    return TownSensor.objects.create(town=town, name=name, **fields)


def send(town, sensor: TownSensor, value: float, minutes_ago: float = 0) -> dict:
    """A value stored through the scoring client, as the door sends it."""
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return client.send_town_sensor_values(
        town.pk, [{"sensor_id": sensor.public_id, "observed_at": at, "value": value}]
    )


@pytest.fixture
def sensor(town) -> TownSensor:
    return make_sensor(town, "Place du marché", public_id="marche-temp")


@pytest.fixture
def sensor_key(town) -> str:
    return do_create_api_key(town, ApiKeyPurpose.SENSORS, "Passerelle")[1]

"""Reads of the town's sensors for pages and the map."""

from community.models import TownPage
from townsensors.models import TownSensor


def town_sensors(town: TownPage):
    return TownSensor.objects.filter(town=town, active=True).order_by("name")


def map_sensors(town: TownPage) -> list[dict]:
    """Each active sensor of the town as the map shows it: where, what, and its
    latest value with its age (None until the scoring core has one), `silent`
    when no value came for longer than the sensor's expected interval."""
    return [
        {
            "id": sensor.pk,
            "name": sensor.name,
            "kind": sensor.kind,
            "kind_label": str(sensor.get_kind_display()),
            "unit": sensor.unit,
            "latitude": sensor.latitude,
            "longitude": sensor.longitude,
            "value": None,
            "observed_at": None,
            "age_seconds": None,
            "silent": True,
            "url": "",
        }
        for sensor in town_sensors(town)
    ]

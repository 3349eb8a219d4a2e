"""Reads of the town's sensors for pages and the map.

The registry (where, what, how often) is the site's `TownSensor`; the values
are the scoring core's (`scoring.client.get_town_sensors`), read in one call
for a whole town.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from community.models import TownPage
from scoring import client
from townsensors.models import TownSensor

logger = logging.getLogger(__name__)


def town_sensors(town: TownPage):
    return TownSensor.objects.filter(town=town, active=True).order_by("name")


def _instant(raw: object) -> datetime | None:
    return parse_datetime(raw) if isinstance(raw, str) else None


def sensor_dict(
    sensor: TownSensor, latest: dict | None, now: datetime | None = None
) -> dict:
    """One sensor as the map, the list and the live event show it: where,
    what, its latest value (`latest`: the core's `{value, observed_at}`, None
    before any) with its age, and `silent` when no value came for longer than
    the sensor's expected interval."""
    now = now or timezone.now()
    observed = _instant(latest.get("observed_at")) if latest else None
    age = max(0, int((now - observed).total_seconds())) if observed else None
    return {
        "id": sensor.pk,
        "name": sensor.name,
        "kind": sensor.kind,
        "kind_label": str(sensor.get_kind_display()),
        "unit": sensor.unit,
        "latitude": sensor.latitude,
        "longitude": sensor.longitude,
        "value": latest["value"] if observed else None,
        "observed_at": observed.isoformat() if observed else None,
        "age_seconds": age,
        "silent": age is None or age > sensor.expected_interval_minutes * 60,
        # An open map turns the sensor silent itself when time passes.
        "interval_seconds": sensor.expected_interval_minutes * 60,
        "url": reverse("townsensors:detail", args=[sensor.pk]),
    }


@dataclass(frozen=True)
class TownValues:
    """The core's latest values of a town's sensors, by public id; `available`
    is False when the core did not answer (the page says so)."""

    by_sensor: dict[str, dict]
    available: bool


def town_values(
    town: TownPage, *, sensor_id: str | None = None, series: bool = False
) -> TownValues:
    try:
        answer = client.get_town_sensors(town.pk, sensor_id=sensor_id, series=series)
    except client.ScoringUnavailable:
        logger.warning("town sensors of town %s: scoring core unavailable", town.pk)
        return TownValues({}, False)
    return TownValues({row["sensor_id"]: row for row in answer["sensors"]}, True)


def sensor_rows(town: TownPage) -> tuple[list[dict], bool]:
    """The town's active sensors as `sensor_dict`s, and whether values came."""
    values = town_values(town)
    now = timezone.now()
    rows = [
        sensor_dict(sensor, values.by_sensor.get(sensor.public_id), now)
        for sensor in town_sensors(town)
    ]
    if not values.available:
        # Unknown, not silent: the core did not say.
        for row in rows:
            row["silent"] = False
    return rows, values.available


def map_sensors(town: TownPage) -> list[dict]:
    """Each active sensor of the town as the map shows it (`sensor_dict`): one
    scoring call and one query, whatever the number of sensors."""
    return sensor_rows(town)[0]


def access_sensor(town: TownPage, sensor_id: object) -> TownSensor:
    """An active sensor of this town; Http404 otherwise."""
    try:
        pk = int(sensor_id)
    except (TypeError, ValueError):
        raise Http404 from None
    sensor = TownSensor.objects.filter(pk=pk, town=town, active=True).first()
    if sensor is None:
        raise Http404
    sensor.town = town  # no query more for the caller
    return sensor


def sensor_detail(sensor: TownSensor) -> tuple[dict, dict | None, bool]:
    """A sensor's `sensor_dict`, its 7-day series (`step`, `points` with
    aware `at`) and whether the core answered."""
    values = town_values(sensor.town, sensor_id=sensor.public_id, series=True)
    latest = values.by_sensor.get(sensor.public_id)
    row = sensor_dict(sensor, latest)
    if not values.available:
        row["silent"] = False
    series = None
    if latest is not None:
        raw = latest.get("series") or {"step": "raw", "points": []}
        series = {
            "step": raw["step"],
            "points": [
                (_instant(point["at"]), point["value"])
                for point in raw["points"]
                if _instant(point["at"]) is not None
            ],
        }
    return row, series, values.available

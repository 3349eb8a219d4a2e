"""Writes of the town's sensors: values from gateways, stored by the scoring
core, then one live event for the town's map and sensor pages."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import TownPage
from realtime.groups import sensors_stream
from realtime.publish import publish
from scoring import client
from townsensors.models import TownSensor
from townsensors.queries import sensor_dict

SENSOR_VALUES_EVENT = "sensor.values"


@dataclass
class IngestResult:
    """Per item of a gateway's body: accepted, or refused with its reasons."""

    items: list[dict] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(1 for item in self.items if item["status"] == "accepted")

    @property
    def refused(self) -> int:
        return len(self.items) - self.accepted

    def as_body(self) -> dict:
        return {
            "accepted": self.accepted,
            "refused": self.refused,
            "items": self.items,
        }


@dataclass(frozen=True)
class Checked:
    index: int
    sensor: TownSensor
    observed_at: datetime
    value: float


def _refused(index: int, errors: dict[str, str]) -> dict:
    return {"index": index, "status": "refused", "errors": errors}


def check_items(
    town: TownPage, items: list[object]
) -> tuple[list[Checked], IngestResult]:
    """Check every item `{sensor, observed_at, value}` against the town's
    sensors (one query); the good ones, and a result holding the refusals."""
    result = IngestResult()
    now = timezone.now()
    public_ids = {
        item["sensor"]
        for item in items
        if isinstance(item, dict) and isinstance(item.get("sensor"), str)
    }
    sensors = {
        sensor.public_id: sensor
        for sensor in TownSensor.objects.filter(town=town, public_id__in=public_ids)
    }
    good: list[Checked] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.items.append(_refused(index, {"item": _("Un objet est attendu.")}))
            continue
        errors: dict[str, str] = {}
        unknown = set(item) - {"sensor", "observed_at", "value"}
        if unknown:
            errors["item"] = _("Champs inconnus : %(names)s.") % {
                "names": ", ".join(sorted(str(name)[:40] for name in unknown)[:5])
            }
        raw_sensor = item.get("sensor")
        sensor = sensors.get(raw_sensor) if isinstance(raw_sensor, str) else None
        if sensor is None:
            # Another town's sensor reads as an unknown one: nothing leaks.
            errors["sensor"] = _("Capteur inconnu de cette commune.")
        elif not sensor.active:
            errors["sensor"] = _("Ce capteur n'est pas en service.")
        observed_at, reason = client.check_sensor_instant(item.get("observed_at"), now)
        if observed_at is None:
            errors["observed_at"] = reason
        value = client.check_sensor_value(item.get("value"))
        if value is None:
            errors["value"] = _("Un nombre fini est attendu.")
        if errors:
            result.items.append(_refused(index, errors))
            continue
        good.append(Checked(index, sensor, observed_at, value))
        result.items.append(
            {"index": index, "status": "accepted", "sensor": sensor.public_id}
        )
    return good, result


def do_publish_sensor_values(
    town: TownPage, sensors: Iterable[TownSensor], latest: list[dict]
) -> None:
    """One `sensor.values` event on the town's sensors stream: the changed
    sensors as the map shows them (`sensor_dict`)."""
    by_id = {row["sensor_id"]: row for row in latest}
    rows = [
        sensor_dict(sensor, by_id.get(sensor.public_id))
        for sensor in sorted(set(sensors), key=lambda s: s.pk)
    ]
    if not rows:
        return
    with transaction.atomic():
        publish(sensors_stream(town.pk), SENSOR_VALUES_EVENT, {"sensors": rows})


def do_ingest_values(town: TownPage, items: list[object]) -> IngestResult:
    """Check a gateway's items, send the good ones to the scoring core in one
    call, then publish one event. Raises client.ScoringUnavailable (nothing
    stored) and client.InvalidRequest (the core refused: nothing stored)."""
    good, result = check_items(town, items)
    if not good:
        return result
    answer = client.send_town_sensor_values(
        town.pk,
        [
            {
                "sensor_id": item.sensor.public_id,
                "observed_at": item.observed_at,
                "value": item.value,
            }
            for item in good
        ],
    )
    do_publish_sensor_values(
        town, (item.sensor for item in good), answer.get("sensors", [])
    )
    return result

"""`POST sensors/readings` checks and `GET towns/{id}/sensors` reads.

A value belongs to a (town id, sensor id) pair: the core keeps no registry of
sensors, the site names them (docs/scoring-core.md, « Capteurs de la
commune »). A body is one reading or a list of them; it is stored whole or
refused whole, naming each bad item. Nothing here writes.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Avg, Count
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from scoring.errors import InvalidRequest
from scoring.models import TownSensorLatest, TownSensorReading

from .validation import CLOCK_SKEW, MAX_ITEM_ERRORS, PUBLIC_ID

# One call stores at most this many values; a gateway's backlog is split.
MAX_SENSOR_ITEMS = 1000
# Older values are a clock gone wrong, not a backlog.
MAX_SENSOR_AGE = timedelta(days=366)
# Beyond this a value is a sender's bug (no sensor of a town reads 10⁹).
MAX_SENSOR_VALUE = 1e9
MAX_TOWN_ID = 2**63 - 1
SERIES_DAYS = 7
# Up to this many values in the 7 days the series is raw; above, hourly means.
RAW_SERIES_MAX = 24 * SERIES_DAYS
SERIES_CHOICES = ("week", "none")


@dataclass(frozen=True)
class SensorValue:
    town_id: int
    sensor_id: str
    observed_at: datetime  # UTC
    value: float


def _town_id(raw: object) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw <= MAX_TOWN_ID:
        return None
    return raw


def sensor_value(raw: object) -> float | None:
    """A finite JSON number within ±MAX_SENSOR_VALUE, or None."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    try:
        value = float(raw)
    except OverflowError:  # an integer too large for a float
        return None
    if not math.isfinite(value) or abs(value) > MAX_SENSOR_VALUE:
        return None
    return value


def observed_at(raw: object, now: datetime) -> tuple[datetime | None, str]:
    """An aware ISO 8601 instant, not in the future beyond the clock skew and
    not older than MAX_SENSOR_AGE: (UTC instant, "") or (None, the reason)."""
    value = None
    if isinstance(raw, str) and len(raw) <= 40:
        try:
            value = parse_datetime(raw)
        except ValueError:
            value = None
    if value is None or timezone.is_naive(value):
        return None, _(
            "Date et heure ISO 8601 avec fuseau attendues, "
            "ex. 2026-05-04T08:30:00+02:00."
        )
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None, _("Date hors des dates possibles.")
    if value > now + CLOCK_SKEW:
        return None, _("La date est dans le futur.")
    if value < now - MAX_SENSOR_AGE:
        return None, _("La date est trop ancienne (plus d'un an).")
    return value, ""


def check_item(item: object, now: datetime) -> tuple[SensorValue | None, dict]:
    """One reading `{town_id, sensor_id, observed_at, value}`: the value or the
    errors by field."""
    if not isinstance(item, dict):
        return None, {"item": _("Un objet est attendu.")}
    errors: dict[str, str] = {}
    town_id = _town_id(item.get("town_id"))
    if town_id is None:
        errors["town_id"] = _("Un identifiant de commune (entier positif).")
    sensor_id = item.get("sensor_id")
    if not isinstance(sensor_id, str) or not PUBLIC_ID.fullmatch(sensor_id):
        errors["sensor_id"] = _("Identifiant de capteur invalide.")
    when, reason = observed_at(item.get("observed_at"), now)
    if when is None:
        errors["observed_at"] = reason
    value = sensor_value(item.get("value"))
    if value is None:
        errors["value"] = _("Un nombre fini est attendu.")
    if errors:
        return None, errors
    return SensorValue(town_id, sensor_id, when, value), {}


def parse_sensor_readings(body: object) -> list[SensorValue]:
    """Check a `POST sensors/readings` body: one reading or a list of them."""
    items = [body] if isinstance(body, dict) else body
    if not isinstance(items, list) or not items:
        raise InvalidRequest(
            _("Une mesure ou une liste de mesures est attendue."), code="invalid_body"
        )
    if len(items) > MAX_SENSOR_ITEMS:
        raise InvalidRequest(
            _("Au plus %(max)d mesures par envoi.") % {"max": MAX_SENSOR_ITEMS},
            code="too_many_items",
        )
    now = timezone.now()
    found: list[SensorValue] = []
    errors: dict[str, str] = {}
    for index, item in enumerate(items):
        value, item_errors = check_item(item, now)
        if value is not None:
            found.append(value)
        for field, message in item_errors.items():
            if len(errors) < MAX_ITEM_ERRORS:
                errors[f"[{index}].{field}"] = message
    if errors:
        raise InvalidRequest(
            _("Certaines mesures sont invalides ; aucune n'a été enregistrée."),
            code="invalid_body",
            fields=errors,
        )
    return found


def parse_town_query(sensor_id: str | None, series: str | None) -> tuple[str, str]:
    """Check `GET towns/{id}/sensors?sensor_id=&series=`."""
    errors = {}
    if sensor_id and not PUBLIC_ID.fullmatch(sensor_id):
        errors["sensor_id"] = _("Identifiant de capteur invalide.")
    series = series or "week"
    if series not in SERIES_CHOICES:
        errors["series"] = _("Valeur attendue parmi : %(choices)s.") % {
            "choices": ", ".join(SERIES_CHOICES)
        }
    if errors:
        raise InvalidRequest(
            _("Paramètres invalides."), code="invalid_query", fields=errors
        )
    return sensor_id or "", series


def _point(at: datetime, value: float) -> dict:
    return {"at": at.astimezone(UTC).isoformat(), "value": value}


def _series(town_id: int, sensor_ids: list[str], since: datetime) -> dict[str, dict]:
    """Each sensor's 7 days: raw when few values, else hourly means (UTC hours)."""
    values = TownSensorReading.objects.filter(
        town_id=town_id, sensor_id__in=sensor_ids, observed_at__gte=since
    )
    hours = (
        values.annotate(hour=TruncHour("observed_at", tzinfo=UTC))
        .values("sensor_id", "hour")
        .annotate(mean=Avg("value"), count=Count("id"))
        .order_by("sensor_id", "hour")
    )
    by_sensor: dict[str, list] = {}
    for row in hours:
        by_sensor.setdefault(row["sensor_id"], []).append(row)
    raw = [
        sensor_id
        for sensor_id, rows in by_sensor.items()
        if sum(row["count"] for row in rows) <= RAW_SERIES_MAX
    ]
    series = {
        sensor_id: {
            "step": "hour",
            "points": [_point(row["hour"], row["mean"]) for row in rows],
        }
        for sensor_id, rows in by_sensor.items()
    }
    if raw:
        for sensor_id in raw:
            series[sensor_id] = {"step": "raw", "points": []}
        for sensor_id, at, value in (
            values.filter(sensor_id__in=raw)
            .order_by("sensor_id", "observed_at")
            .values_list("sensor_id", "observed_at", "value")
        ):
            series[sensor_id]["points"].append(_point(at, value))
    return series


def town_sensors(
    town_id: int, sensor_id: str = "", series: str = "week", now: datetime | None = None
) -> dict:
    """A town's sensors (or one): latest value and, unless `series=none`, 7 days."""
    now = now or timezone.now()
    latest = TownSensorLatest.objects.filter(town_id=town_id).order_by("sensor_id")
    if sensor_id:
        latest = latest.filter(sensor_id=sensor_id)
    rows = list(latest.values_list("sensor_id", "observed_at", "value"))
    since = now - timedelta(days=SERIES_DAYS)
    found = (
        _series(town_id, [row[0] for row in rows], since)
        if rows and series == "week"
        else {}
    )
    sensors = []
    for sid, when, value in rows:
        entry = {
            "sensor_id": sid,
            "value": value,
            "observed_at": when.astimezone(UTC).isoformat(),
        }
        if series == "week":
            entry["series"] = found.get(sid, {"step": "raw", "points": []})
        sensors.append(entry)
    return {
        "town_id": town_id,
        "since": since.astimezone(UTC).isoformat() if series == "week" else None,
        "sensors": sensors,
    }

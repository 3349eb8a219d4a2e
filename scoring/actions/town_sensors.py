"""Writes of the towns' sensor values: insert or replace, and each sensor's latest."""

from datetime import UTC

from django.db import connection, transaction
from django.utils import timezone

from scoring.engine.town_sensors import SensorValue
from scoring.models import TownSensorLatest, TownSensorReading

# The rows of a body: one array per column (`_arrays`), in this order.
UNNEST = (
    "unnest(%s::bigint[], %s::text[], %s::timestamptz[], %s::float8[])"
    " AS t(town, sensor, at, value) "
)


def _arrays(values: list[SensorValue]) -> list[list]:
    """The columns of `values` as the arrays `unnest` takes."""
    return [
        [v.town_id for v in values],
        [v.sensor_id for v in values],
        [v.observed_at for v in values],
        [v.value for v in values],
    ]


def _insert_values(values: list[SensorValue]) -> None:
    # Caller holds a transaction. One statement over arrays: 1,000 values in a
    # few milliseconds (bulk_create prepares each value in Python). PostgreSQL;
    # elsewhere (`make run`'s SQLite) bulk_create's upsert.
    now = timezone.now()
    if connection.vendor != "postgresql":
        TownSensorReading.objects.bulk_create(
            [
                TownSensorReading(
                    town_id=v.town_id,
                    sensor_id=v.sensor_id,
                    observed_at=v.observed_at,
                    value=v.value,
                    received_at=now,
                )
                for v in values
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["town_id", "sensor_id", "observed_at"],
            update_fields=["value", "received_at"],
        )
        return
    table = connection.ops.quote_name(TownSensorReading._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 (a model's table name)
            "(town_id, sensor_id, observed_at, value, received_at) "
            f"SELECT town, sensor, at, value, %s FROM {UNNEST}"
            "ON CONFLICT (town_id, sensor_id, observed_at) "
            "DO UPDATE SET value = EXCLUDED.value, received_at = EXCLUDED.received_at",
            [now, *_arrays(values)],
        )


def _update_latest(newest: list[SensorValue]) -> None:
    # Caller holds a transaction; one row per sensor, in a fixed order (no
    # deadlock between two batches of the same sensors). A value older than the
    # stored latest leaves it.
    if connection.vendor != "postgresql":
        _update_latest_portably(newest)
        return
    table = connection.ops.quote_name(TownSensorLatest._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS l "  # noqa: S608 (a model's table name)
            "(town_id, sensor_id, observed_at, value) "
            f"SELECT town, sensor, at, value FROM {UNNEST}"
            "ON CONFLICT (town_id, sensor_id) DO UPDATE "
            "SET observed_at = EXCLUDED.observed_at, value = EXCLUDED.value "
            "WHERE l.observed_at <= EXCLUDED.observed_at",
            _arrays(newest),
        )


def _update_latest_portably(newest: list[SensorValue]) -> None:
    # The same rule as the PostgreSQL statement, for SQLite (`make run`),
    # whose single writer needs no lock order.
    for value in newest:
        row, created = TownSensorLatest.objects.get_or_create(
            town_id=value.town_id,
            sensor_id=value.sensor_id,
            defaults={"observed_at": value.observed_at, "value": value.value},
        )
        if not created and row.observed_at <= value.observed_at:
            row.observed_at, row.value = value.observed_at, value.value
            row.save(update_fields=["observed_at", "value"])


def do_store_town_sensor_values(values: list[SensorValue]) -> dict:
    """Store checked values (the same sensor and instant again replaces) and
    answer `stored` and the latest value of every sensor the body touched."""
    # The same (town, sensor, instant) twice in one body: the last one wins
    # (one statement may not update a row twice).
    unique: dict[tuple[int, str, object], SensorValue] = {}
    for value in values:
        unique[(value.town_id, value.sensor_id, value.observed_at)] = value
    values = list(unique.values())
    newest: dict[tuple[int, str], SensorValue] = {}
    for value in values:
        key = (value.town_id, value.sensor_id)
        if key not in newest or newest[key].observed_at <= value.observed_at:
            newest[key] = value
    ordered = [newest[key] for key in sorted(newest)]
    with transaction.atomic():
        _insert_values(values)
        _update_latest(ordered)
        latest = TownSensorLatest.objects.filter(
            town_id__in={town for town, _sensor in newest},
            sensor_id__in={sensor for _town, sensor in newest},
        ).values_list("town_id", "sensor_id", "observed_at", "value")
        touched = [row for row in latest if (row[0], row[1]) in newest]
    return {
        "stored": len(values),
        "sensors": [
            {
                "town_id": town_id,
                "sensor_id": sensor_id,
                "observed_at": when.astimezone(UTC).isoformat(),
                "value": value,
            }
            for town_id, sensor_id, when, value in sorted(touched)
        ],
    }

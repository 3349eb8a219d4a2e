"""Writes of household readings: daily values, hourly electricity, baselines.

Daily values are keyed by (household, metric, day) and hourly ones by
(household, metric, hour): a later send of the same days replaces them. A send
through the contract (`do_store_readings`) locks the household's balance row,
as the points writes do, so two sends for one household run one after the
other and a repeated idempotency key finds the first batch.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Household
from scoring.engine.validation import ReadingsRequest
from scoring.errors import Conflict
from scoring.models import (
    HourlyReading,
    Metric,
    MetricBaseline,
    ReadingBatch,
    ReadingSource,
    SensorReading,
)

from .points import _lock_balance

# A baseline from the first weeks covers this many days from the first reading.
FIRST_WEEKS_DAYS = 28


@dataclass(frozen=True)
class ReadingRow:
    """One checked daily value, ready to store."""

    household_id: int
    metric: str
    date: date
    value: Decimal
    estimated: bool = False
    source: str = ReadingSource.CSV_IMPORT


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _upsert_daily(rows: list[ReadingRow]) -> ImportResult:
    # Caller holds a transaction. A row is unchanged when its value, estimated
    # flag and source are already stored: re-sending a file writes nothing.
    if not rows:
        return ImportResult(0, 0, 0)
    households = {row.household_id for row in rows}
    stored = {
        (h, m, d): (v, e, s)
        for h, m, d, v, e, s in SensorReading.objects.filter(
            household_id__in=households,
            date__range=(min(r.date for r in rows), max(r.date for r in rows)),
        ).values_list("household_id", "metric", "date", "value", "estimated", "source")
    }
    now = timezone.now()
    changed = []
    created = updated = 0
    for row in rows:
        old = stored.get((row.household_id, row.metric, row.date))
        if old == (row.value, row.estimated, row.source):
            continue
        if old is None:
            created += 1
        else:
            updated += 1
        changed.append(
            SensorReading(
                household_id=row.household_id,
                metric=row.metric,
                date=row.date,
                value=row.value,
                estimated=row.estimated,
                source=row.source,
                imported_at=now,
            )
        )
    SensorReading.objects.bulk_create(
        changed,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["household", "metric", "date"],
        update_fields=["value", "estimated", "source", "imported_at"],
    )
    pairs = {(row.household_id, row.metric) for row in changed}
    for household_id, metric in sorted(pairs):
        _refresh_first_weeks(household_id, metric)
    return ImportResult(created, updated, len(rows) - created - updated)


def do_import_readings(rows: Iterable[ReadingRow]) -> ImportResult:
    """Store checked readings (insert or replace) and refresh the baselines they touch.

    One transaction: a failure leaves the tables as they were. Rows whose value
    is already stored are skipped, so a re-import changes nothing. The site
    sends readings through `scoring.client.send_readings`; this bulk path is
    the engine's own (demo content, tests, benches).
    """
    rows = list(rows)
    with transaction.atomic():
        return _upsert_daily(rows)


def _refresh_first_weeks(household_id: int, metric: str) -> None:
    readings = SensorReading.objects.filter(household_id=household_id, metric=metric)
    first = readings.aggregate(first=Min("date"))["first"]
    window = readings.filter(date__lt=first + timedelta(days=FIRST_WEEKS_DAYS))
    stats = window.aggregate(days=Count("pk"), total=Sum("value"))
    MetricBaseline.objects.update_or_create(
        household_id=household_id,
        metric=metric,
        defaults={
            "first_date": first,
            "days": stats["days"],
            "daily_mean": Decimal(stats["total"]) / stats["days"],
        },
    )


def _local_day_spans(hours: Iterable[datetime]) -> list[tuple[datetime, datetime]]:
    """The local days the hours fall in, as runs of consecutive days [start, end)."""
    zone = timezone.get_default_timezone()
    days = sorted({hour.astimezone(zone).date() for hour in hours})
    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [
        (
            datetime.combine(first, time(), tzinfo=zone),
            datetime.combine(last + timedelta(days=1), time(), tzinfo=zone),
        )
        for first, last in runs
    ]


def _replace_hours(household: Household, request: ReadingsRequest) -> int:
    # The hours of every local day the body covers are replaced as a whole, so
    # a later load curve of the same days leaves no stale hour behind.
    if not request.hourly:
        return 0
    covered = Q()
    for start, end in _local_day_spans(h.starts_at for h in request.hourly):
        covered |= Q(starts_at__gte=start, starts_at__lt=end)
    HourlyReading.objects.filter(
        covered, household=household, metric=Metric.ELECTRICITY_KWH
    ).delete()
    now = timezone.now()
    if connection.vendor == "postgresql":
        # One statement over two arrays: a year of hours (8,784 rows) in a
        # few tens of milliseconds, where bulk_create spends seconds preparing
        # each value (docs/performance.md).
        table = HourlyReading._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} "  # noqa: S608 (a model's table name)
                "(household_id, metric, starts_at, value, source, imported_at) "
                "SELECT %s, %s, hour, value, %s, %s "
                "FROM unnest(%s::timestamptz[], %s::numeric[]) AS t(hour, value)",
                [
                    household.pk,
                    Metric.ELECTRICITY_KWH.value,
                    request.source,
                    now,
                    [hour.starts_at for hour in request.hourly],
                    [hour.value for hour in request.hourly],
                ],
            )
        return len(request.hourly)
    HourlyReading.objects.bulk_create(
        [
            HourlyReading(
                household=household,
                metric=Metric.ELECTRICITY_KWH,
                starts_at=hour.starts_at,
                value=hour.value,
                source=request.source,
                imported_at=now,
            )
            for hour in request.hourly
        ],
        batch_size=2000,
    )
    return len(request.hourly)


def _covered_days(request: ReadingsRequest) -> list[date]:
    zone = timezone.get_default_timezone()
    days = [d.day for d in request.daily]
    days += [h.starts_at.astimezone(zone).date() for h in request.hourly]
    return days


def do_store_readings(household: Household, request: ReadingsRequest) -> dict:
    """Store a checked readings body once per idempotency key; answer the counts."""
    fingerprint = request.fingerprint()
    with transaction.atomic():
        _lock_balance(household)
        batch = ReadingBatch.objects.filter(
            household=household, idempotency_key=request.idempotency_key
        ).first()
        if batch is not None:
            if batch.fingerprint != fingerprint:
                raise Conflict(
                    _("Cette clé d'idempotence a déjà servi pour une autre demande."),
                    code="idempotency_key_reused",
                )
            return {**batch.result, "replayed": True}
        daily = _upsert_daily(
            [
                ReadingRow(
                    household.pk, d.metric, d.day, d.value, d.estimated, request.source
                )
                for d in request.daily
            ]
        )
        hours = _replace_hours(household, request)
        days = _covered_days(request)
        result = {
            "household_id": household.public_id,
            "idempotency_key": request.idempotency_key,
            "source": request.source,
            "days_created": daily.created,
            "days_replaced": daily.updated,
            "days_unchanged": daily.unchanged,
            "hours_stored": hours,
            "first_day": min(days).isoformat(),
            "last_day": max(days).isoformat(),
        }
        ReadingBatch.objects.create(
            household=household,
            idempotency_key=request.idempotency_key,
            fingerprint=fingerprint,
            source=request.source,
            result=result,
        )
    return {**result, "replayed": False}

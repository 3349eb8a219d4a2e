"""`GET households/{id}/readings`: a household's stored readings over a span of days.

Daily values of every metric with their `estimated` flag and `source`, and the
hourly electricity of the local days (Europe/Paris) of the span, as the core
keeps them; « Mes données » reads a household's whole history this way, year
by year. Three queries whatever the span.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Min
from django.utils import timezone

from scoring.models import HourlyReading, Metric, SensorReading

from .validation import OLDEST_READING


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.get_default_timezone())


def first_day(household_id: int) -> date | None:
    """The household's first day with a reading (daily, or an hour's local day)."""
    first_daily = SensorReading.objects.filter(household_id=household_id).aggregate(
        first=Min("date")
    )["first"]
    first_hour = HourlyReading.objects.filter(
        household_id=household_id, metric=Metric.ELECTRICITY_KWH
    ).aggregate(first=Min("starts_at"))["first"]
    days = [first_daily]
    if first_hour is not None:
        days.append(timezone.localtime(first_hour).date())
    found = [day for day in days if day is not None]
    return min(found) if found else None


def household_readings(
    household_id: int, public_id: str, start: date, end: date
) -> dict:
    """The readings of the days `start` to `end` (both included)."""
    # No reading is older than OLDEST_READING nor in the future: clamping the
    # span keeps far dates (year 1, year 9999) away from datetime overflows.
    low = max(start, OLDEST_READING)
    high = min(end, timezone.localdate() + timedelta(days=1))
    daily: list[dict] = []
    hourly: list[dict] = []
    if low <= high:
        daily = [
            {
                "date": day.isoformat(),
                "metric": metric,
                "value": str(value),
                "estimated": estimated,
                "source": source,
            }
            for day, metric, value, estimated, source in SensorReading.objects.filter(
                household_id=household_id, date__range=(low, high)
            )
            .order_by("date", "metric")
            .values_list("date", "metric", "value", "estimated", "source")
        ]
        hourly = [
            {"starts_at": starts_at.isoformat(), "value": str(value), "source": source}
            for starts_at, value, source in HourlyReading.objects.filter(
                household_id=household_id,
                metric=Metric.ELECTRICITY_KWH,
                starts_at__gte=_local_midnight(low),
                starts_at__lt=_local_midnight(high + timedelta(days=1)),
            )
            .order_by("starts_at")
            .values_list("starts_at", "value", "source")
        ]
    return {
        "household_id": public_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "first_day": _iso(first_day(household_id)),
        "daily": daily,
        "hourly": hourly,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None

"""Sensor summaries of a household or a neighbourhood, against a baseline.

The baseline of a household and metric, as a mean per day:
1. the same period of the previous year, when it has any reading;
2. else the mean of the household's first 4 weeks of readings (MetricBaseline).
It is then scaled to the days of the current period that have a reading, so a
period in progress, or with gaps, compares like with like.
"""

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum

from scoring.models import Metric, MetricBaseline, SensorReading
from scoring.models.sensors import METRIC_UNITS

from .periods import Period

# The contract's privacy rule: an aggregate over fewer households is null.
MIN_HOUSEHOLDS = 5
PREVIOUS_YEAR = "previous_year"
FIRST_WEEKS = "first_weeks"


def _round(value: Decimal | float | None, places: int) -> float | None:
    return None if value is None else round(float(value), places)


def eur_per_unit(metric: str) -> Decimal:
    """The tariff of one unit of a metric (a litre of water is a thousandth of m³)."""
    tariffs = settings.SMARTCITIZEN["TARIFFS"]
    if metric == Metric.ELECTRICITY_KWH:
        return Decimal(str(tariffs["electricity_eur_per_kwh"]))
    if metric == Metric.GAS_KWH:
        return Decimal(str(tariffs["gas_eur_per_kwh"]))
    return Decimal(str(tariffs["water_eur_per_m3"])) / 1000


class _HouseholdStats:
    """Per (household, metric): total and days in the period, and baseline per day."""

    def __init__(self, household_ids: Sequence[int], period: Period) -> None:
        self.totals: dict[tuple[int, str], tuple[Decimal, int]] = {}
        self.baseline_daily: dict[tuple[int, str], tuple[Decimal, str]] = {}
        current = (
            SensorReading.objects.filter(
                household_id__in=household_ids, date__range=(period.start, period.end)
            )
            .values("household_id", "metric")
            .annotate(total=Sum("value"), days=Count("pk"))
            .order_by()
        )
        for row in current:
            key = (row["household_id"], row["metric"])
            self.totals[key] = (row["total"], row["days"])
        before = period.previous_year()
        previous = (
            SensorReading.objects.filter(
                household_id__in=household_ids, date__range=(before.start, before.end)
            )
            .values("household_id", "metric")
            .annotate(total=Sum("value"), days=Count("pk"))
            .order_by()
        )
        for row in previous:
            key = (row["household_id"], row["metric"])
            self.baseline_daily[key] = (row["total"] / row["days"], PREVIOUS_YEAR)
        for baseline in MetricBaseline.objects.filter(household_id__in=household_ids):
            key = (baseline.household_id, baseline.metric)
            self.baseline_daily.setdefault(key, (baseline.daily_mean, FIRST_WEEKS))

    def metric(self, household_id: int, metric: str) -> dict | None:
        """Total, baseline and savings of one household, or None without data."""
        key = (household_id, metric)
        if key not in self.totals:
            return None
        total, days = self.totals[key]
        result = {
            "total": total,
            "days_with_data": days,
            "baseline": None,
            "baseline_source": None,
        }
        if key in self.baseline_daily:
            daily, source = self.baseline_daily[key]
            result["baseline"] = daily * days
            result["baseline_source"] = source
        return result


def household_changes(
    household_ids: Sequence[int], period: Period, metric: str
) -> dict[int, float]:
    """Each household's change in % of a metric against its own baseline.

    Households without readings in the period, or without a (non-zero)
    baseline, are left out: they do not contribute.
    """
    stats = _HouseholdStats(household_ids, period)
    changes: dict[int, float] = {}
    for pk in set(household_ids):
        found = stats.metric(pk, metric)
        if found is None or not found["baseline"]:
            continue
        changes[pk] = (
            float((found["total"] - found["baseline"]) / found["baseline"]) * 100
        )
    return changes


def _figures(total: Decimal, baseline: Decimal | None, metric: str) -> dict:
    """Change in % and euros saved (negative when consumption went up)."""
    if baseline is None:
        return {"change_pct": None, "estimated_savings_eur": None}
    change = None if baseline == 0 else (total - baseline) / baseline * 100
    return {
        "change_pct": _round(change, 1),
        "estimated_savings_eur": _round((baseline - total) * eur_per_unit(metric), 2),
    }


def _daily(
    household_ids: Sequence[int], period: Period, *, mean: bool
) -> dict[str, list[dict]]:
    rows = (
        SensorReading.objects.filter(
            household_id__in=household_ids, date__range=(period.start, period.end)
        )
        .values("metric", "date")
        .annotate(total=Sum("value"), households=Count("household_id"))
        .order_by()
    )
    by_day: dict[str, dict] = defaultdict(dict)
    for row in rows:
        value = row["total"] / row["households"] if mean else row["total"]
        if mean and row["households"] < MIN_HOUSEHOLDS:
            # A day few households reported would show their own figures.
            value = None
        by_day[row["metric"]][row["date"]] = value
    return {
        metric: [
            {"date": day.isoformat(), "value": _round(by_day[metric].get(day), 3)}
            for day in period.days
        ]
        for metric in Metric.values
    }


def _period_body(period: Period) -> dict:
    return {
        "period": period.kind,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def household_summary(household_id: int, public_id: str, period: Period) -> dict:
    """Every metric of one household over a period, against its own baseline."""
    stats = _HouseholdStats([household_id], period)
    daily = _daily([household_id], period, mean=False)
    metrics: dict[str, dict] = {}
    for metric in Metric.values:
        found = stats.metric(household_id, metric)
        body = {
            "unit": METRIC_UNITS[metric],
            "daily": daily[metric],
            "total": None,
            "days_with_data": 0,
            "baseline": None,
            "baseline_source": None,
            "change_pct": None,
            "estimated_savings_eur": None,
        }
        if found is not None:
            body.update(
                total=_round(found["total"], 3),
                days_with_data=found["days_with_data"],
                baseline=_round(found["baseline"], 3),
                baseline_source=found["baseline_source"],
                **_figures(found["total"], found["baseline"], metric),
            )
        metrics[metric] = body
    return {"household_id": public_id, **_period_body(period), "metrics": metrics}


def neighbourhood_summary(
    neighbourhood_id: int, household_ids: Sequence[int], period: Period
) -> dict:
    """Per-household means over a neighbourhood; null under MIN_HOUSEHOLDS."""
    stats = _HouseholdStats(household_ids, period)
    daily = _daily(household_ids, period, mean=True)
    metrics: dict[str, dict | None] = {}
    for metric in Metric.values:
        found = [
            f
            for f in (stats.metric(pk, metric) for pk in household_ids)
            if f is not None
        ]
        if len(found) < MIN_HOUSEHOLDS:
            metrics[metric] = None
            continue
        with_baseline = [f for f in found if f["baseline"] is not None]
        body = {
            "unit": METRIC_UNITS[metric],
            "households": len(found),
            "households_with_baseline": len(with_baseline),
            "daily": daily[metric],
            "total": _round(sum(f["total"] for f in found) / len(found), 3),
            "baseline": None,
            "change_pct": None,
            "estimated_savings_eur": None,
        }
        if len(with_baseline) >= MIN_HOUSEHOLDS:
            total = sum(f["total"] for f in with_baseline)
            baseline = sum(f["baseline"] for f in with_baseline)
            figures = _figures(total, baseline, metric)
            body["baseline"] = _round(baseline / len(with_baseline), 3)
            body["change_pct"] = figures["change_pct"]
            body["estimated_savings_eur"] = _round(
                figures["estimated_savings_eur"] / len(with_baseline), 2
            )
        metrics[metric] = body
    return {
        "neighbourhood_id": neighbourhood_id,
        **_period_body(period),
        "min_households": MIN_HOUSEHOLDS,
        "metrics": metrics,
    }

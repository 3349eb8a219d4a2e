"""Sensor summaries of a household or a neighbourhood, against a baseline.

The baseline of a household and metric, as a mean per day:
1. the same period of the previous year (for one household's summary, cut at
   the day matching its last reading of the period), when it covers enough days;
2. else the mean of the household's first 4 weeks of readings (MetricBaseline).
It is then scaled to the days of the current period that have a reading, so a
period in progress, or with gaps, compares like with like.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Q, Sum

from community.models import TownPage
from community.towns import policy
from scoring.actions.readings import FIRST_WEEKS_DAYS
from scoring.models import DegreeDay, Metric, MetricBaseline, SensorReading
from scoring.models.sensors import METRIC_UNITS

from .periods import Period

# The contract's privacy rule: an aggregate over fewer households is null.
MIN_HOUSEHOLDS = 5
PREVIOUS_YEAR = "previous_year"
# The same period of last year is the baseline only when it has readings on at
# least this share of the days measured in the current period.
PREVIOUS_YEAR_COVERAGE = Decimal("0.8")
FIRST_WEEKS = "first_weeks"


def _round(value: Decimal | float | None, places: int) -> float | None:
    return None if value is None else round(float(value), places)


def town_tariffs(**town) -> dict[str, Decimal]:
    """The tariffs of a town (its « Réglages »), found by `pk=` or
    `neighbourhoods=<id>` (one query); the deployment's when there is none."""
    found = (
        TownPage.objects.filter(**town).first()
        if any(value is not None for value in town.values())
        else None
    )
    if found is not None:
        return policy(found).tariffs
    return {
        name: Decimal(str(value))
        for name, value in settings.SMARTCITIZEN["TARIFFS"].items()
    }


def eur_per_unit(metric: str, tariffs: dict[str, Decimal]) -> Decimal:
    """The tariff of one unit of a metric (a litre of water is a thousandth of m³)."""
    if metric == Metric.ELECTRICITY_KWH:
        return Decimal(str(tariffs["electricity_eur_per_kwh"]))
    if metric == Metric.GAS_KWH:
        return Decimal(str(tariffs["gas_eur_per_kwh"]))
    return Decimal(str(tariffs["water_eur_per_m3"])) / 1000


class _HouseholdStats:
    """Per (household, metric): total and days in the period, and baseline per day."""

    def __init__(
        self, household_ids: Sequence[int], period: Period, *, same_days: bool = False
    ) -> None:
        self.totals: dict[tuple[int, str], tuple[Decimal, int]] = {}
        self.estimated: dict[tuple[int, str], int] = {}
        # The last day with a reading, per (household, metric), in the period.
        self.last_days: dict[tuple[int, str], date] = {}
        self.baseline_daily: dict[tuple[int, str], tuple[Decimal, str]] = {}
        self.first_dates: dict[tuple[int, str], date] = {}
        current = (
            SensorReading.objects.filter(
                household_id__in=household_ids, date__range=(period.start, period.end)
            )
            .values("household_id", "metric")
            .annotate(
                total=Sum("value"),
                days=Count("pk"),
                estimated=Count("pk", filter=Q(estimated=True)),
                last=Max("date"),
            )
            .order_by()
        )
        for row in current:
            key = (row["household_id"], row["metric"])
            self.totals[key] = (row["total"], row["days"])
            self.estimated[key] = row["estimated"]
            self.last_days[key] = row["last"]
        for row in self._previous_year(household_ids, period, same_days=same_days):
            key = (row["household_id"], row["metric"])
            measured = self.totals.get(key, (None, 0))[1]
            if row["days"] < PREVIOUS_YEAR_COVERAGE * measured:
                # Last year's period has readings on too few of the days
                # measured now (two winter months against a whole year):
                # the comparison would be of seasons, not of habits.
                continue
            self.baseline_daily[key] = (row["total"] / row["days"], PREVIOUS_YEAR)
        for baseline in MetricBaseline.objects.filter(household_id__in=household_ids):
            key = (baseline.household_id, baseline.metric)
            self.baseline_daily.setdefault(key, (baseline.daily_mean, FIRST_WEEKS))
            self.first_dates[key] = baseline.first_date

    def _previous_year(
        self, household_ids: Sequence[int], period: Period, *, same_days: bool
    ) -> list[dict]:
        """Totals and days of the same period last year, per (household, metric).

        With `same_days`, each (household, metric) is cut at the day matching
        its last reading of the period: one query per distinct last day (at
        most one per metric for one household), so that a period in progress
        compares with the same days of last year.
        """
        groups: dict[date | None, set | None] = {None: None}
        if same_days:
            groups = defaultdict(set)
            for key, last in self.last_days.items():
                groups[last].add(key)
        rows: list[dict] = []
        for last, keys in groups.items():
            before = (
                period.previous_year()
                if last is None
                else period.previous_year_until(last)
            )
            found = (
                SensorReading.objects.filter(
                    household_id__in=household_ids,
                    date__range=(before.start, before.end),
                )
                .values("household_id", "metric")
                .annotate(total=Sum("value"), days=Count("pk"))
                .order_by()
            )
            rows.extend(
                row
                for row in found
                if keys is None or (row["household_id"], row["metric"]) in keys
            )
        return rows

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


# Degree-day correction (docs/scoring-core.md, "Degree days"): the share of
# gas that heats a home (the rest heats water and cooks), and the mean DJU a
# day below which a period is outside the heating season and left uncorrected.
DEFAULT_GAS_HEATING_SHARE = Decimal("0.8")
MIN_MEAN_DJU = Decimal(3)
MIN_RATIO, MAX_RATIO = Decimal("0.5"), Decimal(2)


def heating_share(metric: str) -> Decimal | None:
    """The heating share of a metric, or None when it is not corrected.

    Only gas: the project does not know which households heat with
    electricity, so electricity is compared as measured.
    """
    if metric != Metric.GAS_KWH:
        return None
    share = settings.SMARTCITIZEN.get("GAS_HEATING_SHARE", DEFAULT_GAS_HEATING_SHARE)
    return Decimal(str(share))


def _baseline_days(
    household_id: int,
    metric: str,
    kind: str,
    period: Period,
    first: date | None,
    until: date | None = None,
) -> list[date]:
    readings = SensorReading.objects.filter(household_id=household_id, metric=metric)
    if kind == PREVIOUS_YEAR:
        before = (
            period.previous_year()
            if until is None
            else period.previous_year_until(until)
        )
        readings = readings.filter(date__range=(before.start, before.end))
    elif first is not None:
        last = first + timedelta(days=FIRST_WEEKS_DAYS - 1)
        readings = readings.filter(date__range=(first, last))
    else:
        return []
    return list(readings.values_list("date", flat=True))


def degree_day_correction(
    household_id: int,
    town_id: int | None,
    metric: str,
    period: Period,
    kind: str | None,
    first: date | None,
    until: date | None = None,
) -> dict | None:
    """The weather correction of a household's period against its baseline.

    Both the period's days with a reading and the baseline's must all have a
    DJU of the town; both must be in the heating season (a mean of at least
    MIN_MEAN_DJU a day). The ratio of the means, bounded to [0.5, 2], then
    scales the heating share of the period's consumption to the baseline's
    weather. None when any of this is missing. `until`: the period's last day
    with a reading, which cuts last year's period the same way.
    """
    share = heating_share(metric)
    if share is None or town_id is None or kind is None:
        return None
    current = list(
        SensorReading.objects.filter(
            household_id=household_id,
            metric=metric,
            date__range=(period.start, period.end),
        ).values_list("date", flat=True)
    )
    baseline = _baseline_days(household_id, metric, kind, period, first, until)
    if not current or not baseline:
        return None
    wanted = set(current) | set(baseline)
    dju = dict(
        DegreeDay.objects.filter(town_id=town_id, date__in=wanted).values_list(
            "date", "value"
        )
    )
    if len(dju) < len(wanted):
        return None  # the series does not cover both periods
    period_mean = sum(dju[d] for d in current) / len(current)
    baseline_mean = sum(dju[d] for d in baseline) / len(baseline)
    if period_mean < MIN_MEAN_DJU or baseline_mean < MIN_MEAN_DJU:
        return None
    ratio = min(max(baseline_mean / period_mean, MIN_RATIO), MAX_RATIO)
    return {
        "period_mean_dju": _round(period_mean, 2),
        "baseline_mean_dju": _round(baseline_mean, 2),
        "heating_share": float(share),
        "factor": (1 - share) + share * ratio,
    }


def _figures(
    total: Decimal, baseline: Decimal | None, metric: str, tariffs: dict
) -> dict:
    """Change in % and euros saved (negative when consumption went up)."""
    if baseline is None:
        return {"change_pct": None, "estimated_savings_eur": None}
    change = None if baseline == 0 else (total - baseline) / baseline * 100
    return {
        "change_pct": _round(change, 1),
        "estimated_savings_eur": _round(
            (baseline - total) * eur_per_unit(metric, tariffs), 2
        ),
    }


def _daily(
    household_ids: Sequence[int], period: Period, *, mean: bool
) -> dict[str, list[dict]]:
    rows = (
        SensorReading.objects.filter(
            household_id__in=household_ids, date__range=(period.start, period.end)
        )
        .values("metric", "date")
        .annotate(
            total=Sum("value"),
            households=Count("household_id"),
            estimated=Count("pk", filter=Q(estimated=True)),
        )
        .order_by()
    )
    by_day: dict[str, dict] = defaultdict(dict)
    estimated: set[tuple[str, date]] = set()
    for row in rows:
        if row["estimated"]:
            estimated.add((row["metric"], row["date"]))
        value = row["total"] / row["households"] if mean else row["total"]
        if mean and row["households"] < MIN_HOUSEHOLDS:
            # A day few households reported would show their own figures.
            value = None
        by_day[row["metric"]][row["date"]] = value
    if mean:
        # A neighbourhood's days say nothing of how each value was read.
        return {
            metric: [
                {"date": day.isoformat(), "value": _round(by_day[metric].get(day), 3)}
                for day in period.days
            ]
            for metric in Metric.values
        }
    return {
        metric: [
            {
                "date": day.isoformat(),
                "value": _round(by_day[metric].get(day), 3),
                "estimated": (metric, day) in estimated,
            }
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


def tariff(metric: str, tariffs: dict) -> dict:
    """The tariff the euros of a metric use, as people read it (€/kWh, €/m³)."""
    if metric == Metric.WATER_L:
        return {"eur": _round(eur_per_unit(metric, tariffs) * 1000, 4), "per": "m³"}
    return {"eur": _round(eur_per_unit(metric, tariffs), 4), "per": "kWh"}


def household_summary(
    household_id: int,
    public_id: str,
    period: Period,
    town_id: int | None = None,
    tariffs: dict[str, Decimal] | None = None,
) -> dict:
    """Every metric of one household over a period, against its own baseline.

    Last year's period is cut at the day matching each metric's last reading
    (`last_day`): a month in progress compares with the same days last year.
    """
    stats = _HouseholdStats([household_id], period, same_days=True)
    daily = _daily([household_id], period, mean=False)
    if tariffs is None:
        tariffs = town_tariffs(pk=town_id)
    metrics: dict[str, dict] = {}
    for metric in Metric.values:
        found = stats.metric(household_id, metric)
        body = {
            "unit": METRIC_UNITS[metric],
            "daily": daily[metric],
            "total": None,
            "days_with_data": 0,
            "last_day": None,
            "estimated_days": 0,
            "baseline": None,
            "baseline_source": None,
            "baseline_kind": None,
            "degree_days": None,
            "change_pct": None,
            "estimated_savings_eur": None,
            "tariff": tariff(metric, tariffs),
        }
        if found is not None:
            kind = found["baseline_source"]
            last_day = stats.last_days[(household_id, metric)]
            correction = degree_day_correction(
                household_id,
                town_id,
                metric,
                period,
                kind,
                stats.first_dates.get((household_id, metric)),
                until=last_day,
            )
            compared = found["total"]
            if correction is not None:
                # The period's consumption as it would have been in the
                # baseline's weather; `total` stays what was measured.
                factor = correction.pop("factor")
                compared = found["total"] * factor
                correction["corrected_total"] = _round(compared, 3)
            body.update(
                total=_round(found["total"], 3),
                days_with_data=found["days_with_data"],
                last_day=last_day.isoformat(),
                estimated_days=stats.estimated.get((household_id, metric), 0),
                baseline=_round(found["baseline"], 3),
                baseline_source=kind,
                baseline_kind=kind,
                degree_days=correction,
                **_figures(compared, found["baseline"], metric, tariffs),
            )
        metrics[metric] = body
    return {"household_id": public_id, **_period_body(period), "metrics": metrics}


def neighbourhood_summary(
    neighbourhood_id: int,
    household_ids: Sequence[int],
    period: Period,
    tariffs: dict[str, Decimal] | None = None,
) -> dict:
    """Per-household means over a neighbourhood; null under MIN_HOUSEHOLDS."""
    stats = _HouseholdStats(household_ids, period)
    daily = _daily(household_ids, period, mean=True)
    if tariffs is None:
        tariffs = town_tariffs(neighbourhoods=neighbourhood_id)
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
            figures = _figures(total, baseline, metric, tariffs)
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

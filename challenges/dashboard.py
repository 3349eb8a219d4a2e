"""The household dashboard's reads: points, sensor summaries, neighbourhood means.

Each call to the scoring core may fail on its own; a failed part shows
« données indisponibles » and the rest of the page still shows.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.charts import bar_chart, weekly_means
from challenges.models import LoggedAction
from challenges.models.pages import Metric
from challenges.periods import period_label, span_label
from community.domains import Domain, DomainsFirst, household_domains_first
from community.models import Household
from scoring import client as scoring

PERIODS = {"semaine": "week", "mois": "month", "annee": "year"}
RECENT_ACTIONS = 10
# The programme's promise: about 200 € saved a year (docs/meters.md).
DEFAULT_SAVINGS_GOAL_EUR = 200
DAYS_PER_YEAR = 365
# The domain each metric of the dashboard belongs to (its sections' order).
METRIC_DOMAINS = {
    Metric.ELECTRICITY: Domain.ENERGY,
    Metric.GAS: Domain.ENERGY,
    Metric.WATER: Domain.WATER,
}


def _baseline_words(kind: str | None, in_progress: bool) -> str:
    if kind == "previous_year" and in_progress:
        return _("Comparé aux mêmes jours de l'an dernier.")
    if kind == "previous_year":
        return _("Comparé à la même période de l'an dernier.")
    if kind == "first_weeks":
        return _(
            "Comparé à vos quatre premières semaines de relevés (pas encore "
            "de relevés de l'an dernier pour cette période)."
        )
    return _("Pas encore de référence : il faut quelques jours de relevés.")


def _projection(year: dict | None) -> dict | None:
    """Euros saved over a year at the pace of this calendar year's data.

    Each metric with a baseline counts for its own days with data (savings per
    day × 365); the page says on how many days the figure rests. Gas compared
    with the household's first weeks and not corrected by degree days is left
    out, and named: it would project the weather of those weeks, not savings.
    """
    if not year:
        return None
    projected = Decimal(0)
    days = 0
    tariffs = []
    left_out = []
    labels = dict(Metric.choices)
    for code, figures in (year.get("metrics") or {}).items():
        saved = (figures or {}).get("estimated_savings_eur")
        counted = (figures or {}).get("days_with_data") or 0
        if saved is None or not counted:
            continue
        if (
            code == Metric.GAS
            and figures.get("baseline_kind") != "previous_year"
            and not figures.get("degree_days")
        ):
            left_out.append(labels.get(code, code))
            continue
        projected += Decimal(str(saved)) / counted * DAYS_PER_YEAR
        days = max(days, counted)
        tariff = figures.get("tariff")
        if tariff:
            tariffs.append(
                {
                    "label": labels.get(code, code),
                    "eur": tariff["eur"],
                    "per": tariff["per"],
                }
            )
    if not days:
        return {"left_out": left_out} if left_out else None
    goal = settings.SMARTCITIZEN.get("SAVINGS_GOAL_EUR", DEFAULT_SAVINGS_GOAL_EUR)
    eur = round(float(projected))
    return {
        # Consumption that went up is said as euros spent, not negative savings.
        "eur": abs(eur),
        "spent_more": eur < 0,
        "goal": goal,
        "days": days,
        "partial": days < DAYS_PER_YEAR - 1,
        "tariffs": tariffs,
        "left_out": left_out,
    }


def _points(household: Household, prefs: DomainsFirst) -> dict:
    try:
        answer = scoring.get_points(household)
    except scoring.ScoringUnavailable:
        return {"unavailable": scoring.unavailable_message()}
    by_domain = answer.get("by_domain", {})
    # The household's domains first (community.domains).
    choices = prefs.sort(Domain.choices, key=lambda choice: choice[0])
    return {
        **answer,
        "domains": [(label, by_domain.get(value, 0)) for value, label in choices],
    }


def _period(summary: dict, today: date) -> dict:
    """The period in words and, while it runs, the days elapsed of it."""
    start = date.fromisoformat(summary["start"])
    end = date.fromisoformat(summary["end"])
    in_progress = start <= today <= end
    last = min(today, end)
    return {
        "start": start,
        "end": end,
        "label": period_label(start, end),
        "days": (end - start).days + 1,
        "in_progress": in_progress,
        # Days to come are not counted: totals, means and the comparison
        # with the baseline rest on the days up to today (the core cuts last
        # year's period at the same day, docs/scoring-core.md).
        "elapsed": (last - start).days + 1,
        "elapsed_label": span_label(start, last) if in_progress else "",
        "today": today,
    }


def _metrics(
    summary: dict,
    neighbourhood: dict | None,
    period: dict,
    *,
    by_week: bool = False,
    prefs: DomainsFirst | None = None,
) -> list[dict]:
    rows = []
    choices = list(Metric.choices)
    if prefs is not None:
        # Water before electricity and gas for a household that chose water only.
        choices = prefs.sort(choices, key=lambda choice: METRIC_DOMAINS[choice[0]])
    today = period["today"]
    for code, label in choices:
        figures = (summary.get("metrics") or {}).get(code)
        if not figures or figures.get("total") is None:
            continue
        compared = ((neighbourhood or {}).get("metrics") or {}).get(code)
        daily = figures.get("daily", [])
        shown = weekly_means(daily) if by_week else daily
        counted = figures.get("days_with_data") or 0
        baseline = figures.get("baseline")
        per_day = baseline / counted if baseline is not None and counted else None
        last_day = figures.get("last_day")
        rows.append(
            {
                "code": code,
                "label": label,
                "figures": figures,
                # Older cores only name it baseline_source.
                "baseline_words": _baseline_words(
                    figures.get("baseline_kind", figures.get("baseline_source")),
                    period["in_progress"],
                ),
                "estimated_days": figures.get("estimated_days") or 0,
                "degree_days": figures.get("degree_days"),
                "days_with_data": counted,
                "last_day": date.fromisoformat(last_day) if last_day else None,
                "mean_per_day": figures["total"] / counted if counted else None,
                "baseline_per_day": per_day,
                # The table lists the days (or weeks) up to today, not those to come.
                "values": [
                    {**item, "day": date.fromisoformat(item["date"])}
                    for item in shown
                    if date.fromisoformat(item["date"]) <= today
                ],
                "by_week": by_week,
                "chart": bar_chart(
                    shown,
                    unit=figures.get("unit", ""),
                    baseline_per_day=per_day,
                    today=today,
                    by_week=by_week,
                ),
                # Null under 5 contributing households (the contract's rule).
                "neighbourhood": compared,
            }
        )
    return rows


def dashboard_for(
    household: Household, period_param: str, today: date | None = None
) -> dict:
    """Everything the dashboard shows for one household and period.

    `today` is for tests; without it the core's own today is asked (and the
    client's cache, dropped after new readings, is that of the undated call).
    """
    on = today
    today = today or timezone.localdate()
    prefs = household_domains_first(household)
    slug = period_param if period_param in PERIODS else "mois"
    period = PERIODS[slug]
    context: dict = {
        "household": household,
        "period": slug,
        "periods": [("semaine", "week"), ("mois", "month"), ("annee", "year")],
        "points": _points(household, prefs),
        "recent_actions": list(
            LoggedAction.objects.filter(household=household)
            .select_related("action_type", "challenge")
            .order_by("-created_at", "-pk")[:RECENT_ACTIONS]
        ),
    }
    try:
        summary = scoring.get_sensor_summary(household, period, on=on)
    except scoring.ScoringUnavailable:
        context["sensors_unavailable"] = scoring.unavailable_message()
        return context
    try:
        neighbourhood = scoring.get_neighbourhood_summary(
            household.neighbourhood, period, on=on
        )
    except scoring.ScoringUnavailable:
        neighbourhood = None
    context["summary"] = summary
    context["period_info"] = _period(summary, today)
    context["metrics"] = _metrics(
        summary,
        neighbourhood,
        context["period_info"],
        by_week=period == "year",
        prefs=prefs,
    )
    year = summary
    if period != "year":
        try:
            year = scoring.get_sensor_summary(household, "year", on=on)
        except scoring.ScoringUnavailable:
            year = None
    context["projection"] = _projection(year)
    return context

"""The household dashboard's reads: points, sensor summaries, neighbourhood means.

Each call to the scoring core may fail on its own; a failed part shows
« données indisponibles » and the rest of the page still shows.
"""

from challenges.charts import daily_chart, weekly_means
from challenges.models import LoggedAction
from challenges.models.pages import Metric
from community.domains import Domain
from community.models import Household
from scoring import client as scoring

PERIODS = {"semaine": "week", "mois": "month", "annee": "year"}
RECENT_ACTIONS = 10


def _points(household: Household) -> dict:
    try:
        answer = scoring.get_points(household)
    except scoring.ScoringUnavailable:
        return {"unavailable": scoring.unavailable_message()}
    by_domain = answer.get("by_domain", {})
    return {
        **answer,
        "domains": [
            (label, by_domain.get(value, 0)) for value, label in Domain.choices
        ],
    }


def _metrics(
    summary: dict, neighbourhood: dict | None, *, by_week: bool = False
) -> list[dict]:
    rows = []
    labels = dict(Metric.choices)
    for code, label in labels.items():
        figures = (summary.get("metrics") or {}).get(code)
        if not figures or figures.get("total") is None:
            continue
        compared = ((neighbourhood or {}).get("metrics") or {}).get(code)
        daily = figures.get("daily", [])
        shown = weekly_means(daily) if by_week else daily
        rows.append(
            {
                "code": code,
                "label": label,
                "figures": figures,
                # Day by day, or for a year week by week (mean per day).
                "values": shown,
                "by_week": by_week,
                "chart": daily_chart(
                    shown,
                    figures.get("baseline"),
                    figures.get("days_with_data") or 0,
                ),
                # Null under 5 contributing households (the contract's rule).
                "neighbourhood": compared,
            }
        )
    return rows


def dashboard_for(household: Household, period_param: str) -> dict:
    """Everything the dashboard shows for one household and period."""
    slug = period_param if period_param in PERIODS else "mois"
    period = PERIODS[slug]
    context: dict = {
        "household": household,
        "period": slug,
        "periods": [("semaine", "week"), ("mois", "month"), ("annee", "year")],
        "points": _points(household),
        "recent_actions": list(
            LoggedAction.objects.filter(household=household)
            .select_related("action_type", "challenge")
            .order_by("-created_at", "-pk")[:RECENT_ACTIONS]
        ),
    }
    try:
        summary = scoring.get_sensor_summary(household, period)
    except scoring.ScoringUnavailable:
        context["sensors_unavailable"] = scoring.unavailable_message()
        return context
    try:
        neighbourhood = scoring.get_neighbourhood_summary(
            household.neighbourhood, period
        )
    except scoring.ScoringUnavailable:
        neighbourhood = None
    context["summary"] = summary
    context["metrics"] = _metrics(summary, neighbourhood, by_week=period == "year")
    return context

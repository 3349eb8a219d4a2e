"""Reads of flash challenges: their hours, the viewer's kind of scoring, results."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone

from challenges.models import ChallengePage, FlashResult, FlashWindow
from community.models import Household, Neighbourhood
from scoring import client as scoring
from scoring.engine.sensors import MIN_HOUSEHOLDS

# A household « has a Linky load curve » when the core holds hourly readings of
# it in these last days (the same window the baseline looks back over).
LOAD_CURVE_LOOKBACK_DAYS = 28


@dataclass
class FlashResults:
    households: int = 0
    saved_kwh: Decimal = Decimal(0)
    # Neighbourhoods with at least MIN_HOUSEHOLDS participating households only.
    neighbourhoods: list[dict] = field(default_factory=list)
    hidden_neighbourhoods: int = 0


def flash_window(challenge: ChallengePage) -> FlashWindow | None:
    """The challenge's flash hours, or None (one query, remembered on the page)."""
    if not hasattr(challenge, "_flash"):
        challenge._flash = FlashWindow.objects.filter(challenge=challenge).first()
    return challenge._flash


def _seconds_to_midnight() -> int:
    now = timezone.localtime()
    midnight = timezone.make_aware(
        datetime.combine(now.date() + timedelta(days=1), time())
    )
    return max(60, int((midnight - now).total_seconds()))


def has_load_curve(household: Household, challenge: ChallengePage) -> bool:
    """Hourly electricity in the core before the challenge's day.

    The core's answer (four weeks of hours) is read once per household,
    challenge day and day of viewing: the Django cache keeps the yes or no
    until midnight, so a page view costs one cache read. Load curves arrive
    with the night's import, hence a day. False, not kept, when the core does
    not answer: the page then says « actions déclarées », which is what the
    household can count on.
    """
    end = challenge.start_date
    key = f"flash:load-curve:{household.pk}:{end.isoformat()}:{timezone.localdate()}"
    known = cache.get(key)
    if known is not None:
        return known
    try:
        answer = scoring.get_readings(
            household, start=end - timedelta(days=LOAD_CURVE_LOOKBACK_DAYS), end=end
        )
    except (scoring.ScoringError, scoring.ScoringUnavailable):
        return False
    found = bool(answer.get("hourly"))
    cache.set(key, found, _seconds_to_midnight())
    return found


def flash_results(challenge: ChallengePage) -> FlashResults:
    """Totals and the neighbourhoods of ≥ 5 households: three queries."""
    rows = FlashResult.objects.filter(challenge=challenge)
    totals = rows.aggregate(households=Count("pk"), saved=Sum("saved_kwh"))
    results = FlashResults(
        households=totals["households"],
        saved_kwh=totals["saved"] or Decimal(0),
    )
    per_neighbourhood = (
        rows.filter(neighbourhood__isnull=False)
        .values("neighbourhood")
        .annotate(households=Count("pk"), saved=Sum("saved_kwh"))
        .order_by("neighbourhood")
    )
    shown = [row for row in per_neighbourhood if row["households"] >= MIN_HOUSEHOLDS]
    results.hidden_neighbourhoods = len(per_neighbourhood) - len(shown)
    names = dict(
        Neighbourhood.objects.filter(
            pk__in=[row["neighbourhood"] for row in shown]
        ).values_list("pk", "name")
    )
    results.neighbourhoods = sorted(
        (
            {
                "name": names.get(row["neighbourhood"], ""),
                "households": row["households"],
                "saved_kwh": row["saved"] or Decimal(0),
            }
            for row in shown
        ),
        key=lambda row: (-row["saved_kwh"], row["name"]),
    )
    return results


def flash_state_for(household: Household | None, challenge: ChallengePage) -> dict:
    """What a flash challenge's page adds: hours, how the viewer is scored, results."""
    window = flash_window(challenge)
    if window is None:
        return {}
    state: dict = {"window": window, "results": None, "own": None, "measured": None}
    if window.scored_at is not None:
        state["results"] = flash_results(challenge)
    if household is not None:
        state["own"] = FlashResult.objects.filter(
            challenge=challenge, household=household
        ).first()
        if state["own"] is not None:
            state["measured"] = state["own"].measured
        else:
            state["measured"] = has_load_curve(household, challenge)
    return state

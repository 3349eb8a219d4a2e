"""Scoring flash challenges the next day: Linky load curves against their baseline.

For each participating household, the hourly electricity of the alert hours
(local time) on the day is compared with the mean of the same hours on its
last four comparable days: the same kind of day (working day, or day off: a
weekend or a public holiday), before the alert, within four weeks, not an
alert day of the town, every alert hour measured. saving = max(0, baseline −
actual).
A household without those readings is scored on its declared actions only.

Points go to the scoring core's append-only ledger as ONE entry per
(challenge, household): the catalogue action `defi-flash-<domain>`, worth 1
point a unit, with `quantity` = the points (participation + kWh saved ×
points per kWh, rounded half up to the point) and the key `flash-<challenge
id>`. Each household's keys are its own in the ledger, so scoring again
awards nothing twice (docs/gridalerts.md).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from challenges import actions as challenge_actions
from challenges import queries as challenge_queries
from challenges.models import ChallengePage, FlashWindow, Participation
from community.domains import Domain
from gridalerts.actions import do_tell_flash_results
from gridalerts.models import FlashLaunch, GridSignalDay, Level
from scoring import client as scoring
from scoring.actions import ensure_action_type
from scoring.models import ActionType

logger = logging.getLogger(__name__)

COMPARABLE_DAYS = 4
LOOKBACK_DAYS = 28
KWH = Decimal("0.001")
UNIT_CODE = "defi-flash-{domain}"
# One unit of the flash action is one point: the points per kWh of the
# challenge's template apply exactly (to the point), not in steps of 10.
UNIT_POINTS = 1


@dataclass(frozen=True)
class Measure:
    baseline_kwh: Decimal
    actual_kwh: Decimal

    @property
    def saved_kwh(self) -> Decimal:
        return max(Decimal(0), self.baseline_kwh - self.actual_kwh).quantize(KWH)


def is_weekend(day: date) -> bool:
    return day.weekday() >= 5


def easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the Meeus/Jones/Butcher rule)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday) // 433
    month, day = divmod(h + weekday - 7 * m + 90, 25)
    return date(year, month, (h + weekday - 7 * m + 33 * month + 19) % 32)


def french_holidays(year: int) -> set[date]:
    """The public holidays of metropolitan France (Code du travail L3133-1)."""
    sunday = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return {date(year, month, day) for month, day in fixed} | {
        sunday + timedelta(days=days) for days in (1, 39, 50)
    }


def is_day_off(day: date) -> bool:
    """A weekend day or a public holiday: not comparable with a working day."""
    return is_weekend(day) or day in french_holidays(day.year)


def hourly_by_day(hourly: list[dict]) -> dict[date, dict[int, Decimal]]:
    """The core's `hourly` rows as {local day: {local hour: kWh}}."""
    found: dict[date, dict[int, Decimal]] = defaultdict(dict)
    for row in hourly:
        starts_at = parse_datetime(row["starts_at"])
        if starts_at is None:
            continue
        local = timezone.localtime(starts_at)
        found[local.date()][local.hour] = Decimal(str(row["value"]))
    return found


def measure(
    readings: dict[date, dict[int, Decimal]],
    day: date,
    hours: list[int],
    excluded: set[date],
) -> Measure | None:
    """The day's use in `hours` and its baseline; None without enough readings."""

    def total(on: date) -> Decimal | None:
        values = readings.get(on, {})
        if not all(hour in values for hour in hours):
            return None
        return sum((values[hour] for hour in hours), Decimal(0))

    actual = total(day)
    if actual is None:
        return None
    comparable: list[Decimal] = []
    for back in range(1, LOOKBACK_DAYS + 1):
        earlier = day - timedelta(days=back)
        if is_day_off(earlier) != is_day_off(day) or earlier in excluded:
            continue
        used = total(earlier)
        if used is not None:
            comparable.append(used)
        if len(comparable) == COMPARABLE_DAYS:
            baseline = sum(comparable, Decimal(0)) / COMPARABLE_DAYS
            return Measure(baseline.quantize(KWH), actual.quantize(KWH))
    return None


def unit_action(domain: str) -> ActionType:
    """The catalogue action a flash challenge's points are awarded as (1 point)."""
    return ensure_action_type(
        UNIT_CODE.format(domain=domain),
        label=f"Défi flash ({Domain(domain).label})",
        domain=domain,
        fixed_points=UNIT_POINTS,
    )


def flash_points(window: FlashWindow, took_part: bool, found: Measure | None) -> int:
    """Participation points if it took part, plus kWh saved × points per kWh.

    Rounded half up to the point, and at most MAX_ACTION_QUANTITY (what one
    ledger entry of the 1-point unit can hold).
    """
    points = Decimal(window.participation_points if took_part else 0)
    if found is not None:
        points += found.saved_kwh * window.points_per_kwh
    rounded = int(points.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return min(rounded, scoring.MAX_ACTION_QUANTITY * UNIT_POINTS)


def alert_days(town_id: int, day: date) -> set[date]:
    """The town's earlier alert days (signal orange/red, or a flash challenge)."""
    since = day - timedelta(days=LOOKBACK_DAYS)
    signals = GridSignalDay.objects.filter(
        town_id=town_id, day__gte=since, day__lt=day, dvalue__gte=Level.ORANGE
    ).values_list("day", flat=True)
    launches = FlashLaunch.objects.filter(
        town_id=town_id, day__gte=since, day__lt=day
    ).values_list("day", flat=True)
    return set(signals) | set(launches)


def _end_of_alert(day: date, hours: list[int]) -> datetime:
    last = max(hours)
    moment = datetime.combine(day, time(last)) + timedelta(minutes=59)
    return timezone.make_aware(moment)


def score_household(
    challenge: ChallengePage,
    window: FlashWindow,
    participation: Participation,
    excluded: set[date],
) -> challenge_actions.HouseholdOutcome:
    """Measure, award the points (idempotent keys), and say what was found.

    Raises scoring.ScoringUnavailable when the core does not answer.
    """
    household = participation.household
    day = challenge.start_date
    answer = scoring.get_readings(
        household, start=day - timedelta(days=LOOKBACK_DAYS), end=day
    )
    found = measure(
        hourly_by_day(answer.get("hourly") or []), day, window.hours, excluded
    )
    took_part = (
        found is not None
        or challenge_queries.household_action_count(household.pk, challenge) > 0
    )
    points = flash_points(window, took_part, found)
    if points:
        unit = unit_action(challenge.domain)
        try:
            scoring.log_action(
                household,
                action=unit.code,
                domain=unit.domain,
                occurred_at=_end_of_alert(day, window.hours),
                idempotency_key=f"flash-{challenge.pk}",
                quantity=points // UNIT_POINTS,
            )
        except scoring.Conflict as refused:
            # idempotency_key_reused: an earlier run awarded this household
            # another amount (its readings changed before its result was
            # written): that award stands. household_left: nothing awarded.
            logger.warning(
                "Flash challenge %s, household %s: %s",
                challenge.pk,
                household.pk,
                refused.code,
            )
            if refused.code != "idempotency_key_reused":
                points = 0
        except scoring.InvalidRequest as refused:
            # The core takes actions up to ACTION_MAX_DELAY_DAYS old: a run
            # that late records the measure without points, and the other
            # households and challenges are still scored.
            logger.error(
                "Flash challenge %s, household %s: points refused (%s)",
                challenge.pk,
                household.pk,
                refused.code,
            )
            points = 0
    return challenge_actions.HouseholdOutcome(
        household_id=household.pk,
        neighbourhood_id=household.neighbourhood_id,
        measured=found is not None,
        baseline_kwh=found.baseline_kwh if found else None,
        actual_kwh=found.actual_kwh if found else None,
        saved_kwh=found.saved_kwh if found else Decimal(0),
        points=points,
    )


def do_score_flash_challenge(challenge: ChallengePage) -> int:
    """Score every participating household not scored yet; mark it done.

    Stops (unmarked, for the next run) when the core does not answer.
    Returns the number of households scored in this run.
    """
    window = challenge.flash
    launch = FlashLaunch.objects.filter(challenge=challenge).first()
    town_id = launch.town_id if launch is not None else None
    if town_id is None:
        town = challenge_queries.town_of(challenge)
        town_id = town.pk if town is not None else 0
    excluded = alert_days(town_id, challenge.start_date)
    done = set(challenge.flash_results.values_list("household_id", flat=True))
    scored = 0
    participations = (
        Participation.objects.filter(challenge=challenge, left_at__isnull=True)
        .exclude(household_id__in=done)
        .select_related("household")
        .order_by("pk")
    )
    for participation in participations:
        try:
            outcome = score_household(challenge, window, participation, excluded)
        except scoring.ScoringUnavailable:
            return scored
        scored += int(challenge_actions.do_record_flash_result(challenge, outcome))
    # Marked and told together: a run that fails in between tells on the next.
    with transaction.atomic():
        challenge_actions.do_mark_flash_scored(challenge)
        do_tell_flash_results(challenge)
    return scored


def flash_challenges_to_score(today: date | None = None):
    """Flash challenges whose day is over and whose results are not in."""
    today = today or timezone.localdate()
    return (
        ChallengePage.objects.live()
        .filter(Q(flash__isnull=False), flash__scored_at__isnull=True)
        .filter(end_date__lt=today)
        .select_related("flash")
        .order_by("start_date", "pk")
    )

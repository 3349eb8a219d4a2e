"""Flash challenges: creating one, and recording its results.

Called by gridalerts (an Ecowatt alert day, a moderator's start) and its
scoring command; this app only knows the challenge and its hours.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from challenges.models import (
    ChallengeIndexPage,
    ChallengePage,
    FlashResult,
    FlashWindow,
    GoalKind,
    Scope,
    TeamKind,
)
from scoring.models import ActionType


@dataclass(frozen=True)
class FlashSpec:
    """What a flash challenge is made of (the town's template or a moderator's form)."""

    title: str
    day: date
    hours: list[int]
    goal: str
    domain: str
    participation_points: int
    points_per_kwh: int
    level: int = 0
    reason: str = ""


@dataclass(frozen=True)
class HouseholdOutcome:
    household_id: int
    neighbourhood_id: int | None
    measured: bool
    baseline_kwh: Decimal | None
    actual_kwh: Decimal | None
    saved_kwh: Decimal
    points: int


def _free_slug(index: ChallengeIndexPage, base: str) -> str:
    taken = set(
        index.get_children()
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def do_create_flash_challenge(
    index: ChallengeIndexPage, spec: FlashSpec
) -> ChallengePage:
    """Publish a one-day challenge under the index, counted during `spec.hours`.

    The catalogue's active actions of the domain count. Called inside the
    caller's transaction (the launch row and the page commit together).
    """
    page = ChallengePage(
        title=spec.title[:255],
        slug=_free_slug(index, slugify(f"flash-{spec.day.isoformat()}")),
        summary=spec.goal[:500],
        domain=spec.domain,
        start_date=spec.day,
        end_date=spec.day,
        scope=Scope.TOWN,
        team_kind=TeamKind.HOUSEHOLD,
        goal_kind=GoalKind.ACTIONS,
        goal_value=1,
    )
    with transaction.atomic():
        index.add_child(instance=page)
        # Not the units gridalerts awards measured savings as (`defi-flash-…`).
        page.action_types.set(
            ActionType.objects.filter(domain=spec.domain, active=True).exclude(
                code__startswith="defi-flash-"
            )
        )
        page.save_revision().publish()
        FlashWindow.objects.create(
            challenge=page,
            hours=sorted(set(spec.hours)),
            level=spec.level,
            reason=spec.reason[:200],
            participation_points=spec.participation_points,
            points_per_kwh=spec.points_per_kwh,
        )
    return ChallengePage.objects.get(pk=page.pk)


def do_record_flash_result(challenge: ChallengePage, outcome: HouseholdOutcome) -> bool:
    """Store a household's outcome once; True if it was new.

    A household already recorded keeps its first row (its points were awarded
    with the same keys): scoring again changes nothing.
    """
    _row, created = FlashResult.objects.get_or_create(
        challenge=challenge,
        household_id=outcome.household_id,
        defaults={
            "neighbourhood_id": outcome.neighbourhood_id,
            "measured": outcome.measured,
            "baseline_kwh": outcome.baseline_kwh,
            "actual_kwh": outcome.actual_kwh,
            "saved_kwh": outcome.saved_kwh,
            "points": outcome.points,
        },
    )
    return created


def do_mark_flash_scored(challenge: ChallengePage) -> None:
    """Every participating household has its result: the page shows them."""
    FlashWindow.objects.filter(challenge=challenge, scored_at__isnull=True).update(
        scored_at=timezone.now()
    )

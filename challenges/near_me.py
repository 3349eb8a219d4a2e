"""Reads for a member's home and welcome path: the challenges near them, their
progress, what their points buy. Each function is one query whatever the data."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from challenges.models import (
    ActionStatus,
    ChallengePage,
    Participation,
    Reward,
    Scope,
)
from challenges.queries import town_rewards
from community.domains import domains_first
from community.models import Member, TownPage


def _near(member: Member) -> QuerySet[ChallengePage]:
    """Live challenges of the member's town open to their neighbourhood."""
    town_wide = Q(scope=Scope.TOWN)
    household = member.household
    if household is not None:
        town_wide |= Q(
            scope=Scope.NEIGHBOURHOOD, neighbourhood_id=household.neighbourhood_id
        )
    return (
        ChallengePage.objects.live()
        .descendant_of(member.town)
        .filter(town_wide)
        .select_related("neighbourhood")
    )


def open_challenges_near(member: Member, today: date) -> QuerySet[ChallengePage]:
    """Challenges the member's household may still join, those of its domains
    first (community.domains), then soonest first, each with `joined` (the
    household already takes part)."""
    taking_part = Participation.objects.filter(
        challenge_id=OuterRef("pk"),
        household_id=member.household_id,
        left_at__isnull=True,
    )
    return (
        _near(member)
        .filter(end_date__gte=today)
        .annotate(joined=Exists(taking_part))
        .order_by(*domains_first(member).order_by("domain"), "start_date", "pk")
    )


def household_challenges(household_id: int, today: date) -> QuerySet[ChallengePage]:
    """The challenges a household takes part in and that have not ended, each with
    `done` (its actions the scoring core counted), ending soonest first."""
    return (
        ChallengePage.objects.live()
        .filter(
            participations__household_id=household_id,
            participations__left_at__isnull=True,
            end_date__gte=today,
        )
        .annotate(
            done=Count(
                "logged_actions",
                filter=Q(
                    logged_actions__household_id=household_id,
                    logged_actions__status=ActionStatus.COUNTED,
                ),
                distinct=True,
            )
        )
        .order_by("end_date", "pk")
    )


def next_start_near(member: Member, today: date) -> ChallengePage | None:
    """The next challenge near the member that has not started yet."""
    return (
        _near(member).filter(start_date__gt=today).order_by("start_date", "pk").first()
    )


def rewards_within(town: TownPage, balance: int) -> QuerySet[Reward]:
    """Today's offers of the town that a balance pays for, cheapest first."""
    return town_rewards(town).filter(
        Q(stock__isnull=True) | Q(stock__gt=0), points__lte=balance
    )


def cheapest_reward(town: TownPage) -> Reward | None:
    """Today's cheapest offer of the town, for « il vous manque … points »."""
    return town_rewards(town).first()

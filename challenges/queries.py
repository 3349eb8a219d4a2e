"""Reads that check who may see or do what in challenges."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from challenges.flash_queries import flash_state_for
from challenges.models import (
    ActionStatus,
    Badge,
    ChallengeIndexPage,
    ChallengePage,
    GoalKind,
    LoggedAction,
    Participation,
    Redemption,
    Reward,
    Scope,
    Shop,
    TeamKind,
)
from community import roles
from community.domains import DomainsFirst
from community.models import HouseholdStatus, Member, TownPage
from community.queries import member_of
from feeds import queries as feeds_queries
from scoring import client as scoring
from scoring.engine.leaderboards import (
    CHANGE_PCT,
    POINTS_PER_HOUSEHOLD,
    LeaderboardSpec,
)

RECENT_ACTIONS = 10
FEED_PREVIEW = 3


def live_challenges(
    index: ChallengeIndexPage, prefs: DomainsFirst | None = None
) -> QuerySet[ChallengePage]:
    """The published challenges of an index, the household's domains first
    (`prefs`), latest start first."""
    first = prefs.order_by("domain") if prefs is not None else []
    return (
        ChallengePage.objects.child_of(index)
        .live()
        .select_related("neighbourhood")
        .order_by(*first, "-start_date", "pk")
    )


def town_of(challenge: ChallengePage) -> TownPage | None:
    """The town a challenge belongs to (one query, remembered on the page)."""
    if not hasattr(challenge, "_town"):
        challenge._town = TownPage.objects.ancestor_of(challenge).first()
    return challenge._town


def can_read_challenge(user: User, challenge_id: int) -> bool:
    """A challenge's streams (feed, leaderboard): the members of its town."""
    challenge = ChallengePage.objects.live().filter(pk=challenge_id).first()
    if challenge is None:
        return False
    town = town_of(challenge)
    return (
        town is not None and Member.objects.filter(user=user, town_id=town.pk).exists()
    )


def member_in_town(user: User | AnonymousUser, challenge: ChallengePage) -> Member:
    """The signed-in member of the challenge's town; anyone else gets a 404."""
    member = member_of(user)
    town = town_of(challenge)
    if member is None or town is None or member.town_id != town.pk:
        raise Http404
    return member


def participation_of(household_id: int | None, challenge: ChallengePage):
    """The household's current participation, or None."""
    if household_id is None:
        return None
    return Participation.objects.filter(
        challenge=challenge, household_id=household_id, left_at__isnull=True
    ).first()


def may_join(member: Member | None, challenge: ChallengePage) -> bool:
    """A member of an active household of the right town and neighbourhood."""
    if member is None or member.household is None:
        return False
    town = town_of(challenge)
    household = member.household
    return (
        town is not None
        and member.town_id == town.pk
        and household.status == HouseholdStatus.ACTIVE
        and not challenge.has_ended()
        and (
            challenge.scope != Scope.NEIGHBOURHOOD
            or household.neighbourhood_id == challenge.neighbourhood_id
        )
    )


def household_action_count(household_id: int, challenge: ChallengePage) -> int:
    """The household's actions in a challenge that the core counted (badges)."""
    return LoggedAction.objects.filter(
        challenge=challenge, household_id=household_id, status=ActionStatus.COUNTED
    ).count()


def challenge_state_for(user: User | AnonymousUser, challenge: ChallengePage) -> dict:
    """What the challenge page shows the viewer: participation, actions, badges."""
    member = member_of(user)
    state: dict = {
        "member": member,
        "participation": None,
        "can_join": may_join(member, challenge),
        "household_actions": [],
        "action_count": 0,
        "badges": [],
        "action_types": list(challenge.action_types.order_by("label")),
        "is_ambassador": roles.is_ambassador(user, town_of(challenge)),
        "running": challenge.is_running(),
        "feed_posts": None,
    }
    town = town_of(challenge)
    if member is not None and town is not None and member.town_id == town.pk:
        # The latest posts of the challenge's feed (feeds' query, first page).
        state["feed_posts"] = feeds_queries.challenge_feed(member, challenge.pk).items[
            :FEED_PREVIEW
        ]
    state["flash"] = flash_state_for(
        member.household if member is not None else None, challenge
    )
    if member is None or member.household_id is None:
        return state
    participation = participation_of(member.household_id, challenge)
    state["participation"] = participation
    if participation is not None:
        actions = LoggedAction.objects.filter(
            challenge=challenge, household_id=member.household_id
        ).select_related("action_type", "member")
        state["action_count"] = actions.count()
        state["household_actions"] = list(actions[:RECENT_ACTIONS])
        state["badges"] = list(
            Badge.objects.filter(challenge=challenge, household_id=member.household_id)
        )
    return state


def leaderboard_spec(challenge_id: int) -> LeaderboardSpec | None:
    """The teams of a challenge for the scoring engine (registered in ready())."""
    challenge = ChallengePage.objects.filter(pk=challenge_id).first()
    if challenge is None:
        return None
    rows = Participation.objects.filter(
        challenge=challenge, left_at__isnull=True
    ).values_list(
        "household_id", "household__public_id", "household__neighbourhood__name"
    )
    teams: dict[str, list[int]] = defaultdict(list)
    for household_id, public_id, neighbourhood_name in rows:
        key = (
            public_id
            if challenge.team_kind == TeamKind.HOUSEHOLD
            else neighbourhood_name
        )
        teams[key].append(household_id)
    return LeaderboardSpec(
        teams=dict(teams),
        team_kind=challenge.team_kind,
        since=challenge.starts_at,
        until=challenge.ends_at,
        action_codes=list(challenge.action_types.values_list("code", flat=True)),
        # A reduction goal ranks by each household's change against its own
        # baseline, averaged per team (docs/challenges.md).
        metric=challenge.goal_metric
        if challenge.goal_kind == GoalKind.REDUCTION
        else None,
    )


@dataclass(frozen=True)
class Board:
    """A leaderboard as the page shows it; `unavailable` when the core is down."""

    standings: list[dict]
    team_kind: str
    unavailable: str = ""
    ranked_by: str = POINTS_PER_HOUSEHOLD
    metric: str = ""
    min_households: int = 1

    @property
    def by_change(self) -> bool:
        return self.ranked_by == CHANGE_PCT


def leaderboard(challenge: ChallengePage, *, fresh: bool = False) -> Board:
    """The ranked teams, or the « données indisponibles » message.

    `fresh=True` bypasses the scoring client's cache (live events after a change).
    """
    try:
        answer = scoring.get_leaderboard(challenge.pk, fresh=fresh)
    except scoring.ScoringUnavailable:
        return Board([], challenge.team_kind, scoring.unavailable_message())
    return Board(
        answer.get("standings", []),
        answer.get("team_kind", ""),
        ranked_by=answer.get("ranked_by", POINTS_PER_HOUSEHOLD),
        metric=answer.get("metric", ""),
        min_households=answer.get("min_households", 1),
    )


def actions_to_confirm(challenge: ChallengePage) -> QuerySet[LoggedAction]:
    """Actions of a challenge not yet confirmed by an ambassador, newest first."""
    return (
        # A pending action is not known to the core yet: nothing to confirm.
        LoggedAction.objects.filter(
            challenge=challenge,
            confirmed_at__isnull=True,
            status=ActionStatus.COUNTED,
        )
        .select_related("action_type", "household__neighbourhood", "member")
        .order_by("-created_at", "-pk")
    )


def access_action_to_confirm(
    user: User | AnonymousUser, challenge: ChallengePage, action_id: int
) -> tuple[Member, LoggedAction]:
    """An ambassador of the challenge's town and one of its actions; else 404."""
    member = member_in_town(user, challenge)
    if not roles.is_ambassador(user, town_of(challenge)):
        raise Http404
    action = actions_to_confirm(challenge).filter(pk=action_id).first()
    if action is None:
        raise Http404
    return member, action


# --- rewards ------------------------------------------------------------------


def town_rewards(town: TownPage) -> QuerySet[Reward]:
    """The offers a town's households may take today, cheapest first."""
    today = timezone.localdate()
    return (
        Reward.objects.filter(shop__town=town, active=True, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("shop")
        .order_by("points", "title", "pk")
    )


def access_reward(town: TownPage, reward_id: int) -> Reward:
    """An offer of this town, or 404."""
    reward = town_rewards(town).filter(pk=reward_id).first()
    if reward is None:
        raise Http404
    return reward


def has_pending_actions(household_id: int) -> bool:
    """Whether the household has actions waiting for the scoring core."""
    return LoggedAction.objects.filter(
        household_id=household_id, status=ActionStatus.PENDING
    ).exists()


def household_redemptions(household_id: int) -> QuerySet[Redemption]:
    return (
        Redemption.objects.filter(household_id=household_id)
        .select_related("reward__shop")
        .order_by("-created_at", "-pk")
    )


def access_shop(token: str) -> Shop:
    """The shop of a token, or 404 (the same for a wrong and a missing token)."""
    shop = Shop.objects.filter(token=token).first() if token else None
    if shop is None:
        raise Http404
    return shop

"""Challenges' section of a member's home (community/home.py): the household's
challenges and how far they are, those it may join, the next date that matters,
and its points with the offers they pay for.

A fixed number of queries whatever the number of challenges or offers
(tests/community/test_welcome.py). Registered from ChallengesConfig.ready().
"""

from dataclasses import dataclass
from datetime import date

from challenges.models import ChallengePage, GoalKind, Reward
from challenges.near_me import (
    cheapest_reward,
    household_challenges,
    next_start_near,
    open_challenges_near,
    rewards_within,
)
from community.models import Member
from scoring import client as scoring

CHALLENGES_SHOWN = 3
REWARDS_SHOWN = 3


@dataclass(frozen=True)
class Progress:
    """A challenge the household is in, and how far it is towards the goal."""

    challenge: ChallengePage
    done: int
    goal: int
    # None for a reduction goal: the dashboard says it, not a count of actions.
    value: int | None

    @property
    def percent(self) -> int:
        if self.value is None or not self.goal:
            return 0
        return round(100 * self.value / self.goal)


@dataclass(frozen=True)
class NextThing:
    """The next date that matters near the member: a start or an end."""

    kind: str  # "start" or "end"
    challenge: ChallengePage
    on: date


def _progress(challenge: ChallengePage) -> Progress:
    if challenge.goal_kind == GoalKind.ACTIONS:
        value = min(challenge.done, challenge.goal_value)
    else:
        value = None
    return Progress(challenge, challenge.done, challenge.goal_value, value)


def _next_thing(
    member: Member, mine: list[Progress], to_join: list[ChallengePage], today: date
) -> NextThing | None:
    """The soonest of: the end of a challenge the household is in (or, when it
    is in none, of a running one it may join), the start of the next one near."""
    candidates = [
        NextThing("end", item.challenge, item.challenge.end_date) for item in mine
    ] + [
        NextThing("end", challenge, challenge.end_date)
        for challenge in to_join
        if challenge.start_date <= today
    ]
    upcoming = next_start_near(member, today)
    if upcoming is not None:
        candidates.append(NextThing("start", upcoming, upcoming.start_date))
    return min(candidates, key=lambda thing: thing.on, default=None)


def _points(member: Member) -> dict:
    """The balance, the offers it pays for, or the cheapest one still out of reach."""
    try:
        balance = scoring.get_points(member.household)["total"]
    except scoring.ScoringUnavailable:
        return {"balance": None, "unavailable": scoring.unavailable_message()}
    affordable: list[Reward] = list(
        rewards_within(member.town, balance)[:REWARDS_SHOWN]
    )
    cheapest = None if affordable else cheapest_reward(member.town)
    return {
        "balance": balance,
        "affordable": affordable,
        "cheapest": cheapest,
        "missing": cheapest.points - balance if cheapest is not None else 0,
    }


def home_section(member: Member, home: dict) -> None:
    """The household's challenges, next date and points (nothing without one)."""
    household = member.household
    if household is None:
        return
    today = home["today"]
    mine = [
        _progress(challenge)
        for challenge in household_challenges(household.pk, today)[:CHALLENGES_SHOWN]
    ]
    to_join = []
    if not mine:
        to_join = list(
            open_challenges_near(member, today).filter(joined=False)[:CHALLENGES_SHOWN]
        )
    home.update(
        {
            "challenges": mine,
            "to_join": to_join,
            "next_thing": _next_thing(member, mine, to_join, today),
            "points": _points(member),
        }
    )

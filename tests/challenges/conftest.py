"""Fixtures of the challenges tests: a challenge index and pages, a catalogue,
households that take part. Everything is built through real actions."""

import itertools
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from challenges import actions
from challenges.models import ChallengeIndexPage, ChallengePage, GoalKind, TeamKind
from community import roles
from community.models import Member, Neighbourhood, TownPage
from scoring import client as scoring
from scoring import transport
from scoring.models import ActionType, Commitment
from tests.factories import NeighbourhoodFactory, make_member, make_staff

_numbers = itertools.count(1)


def make_action_type(domain: str = "water", difficulty: int = 1) -> ActionType:
    return ActionType.objects.create(
        code=f"geste-{uuid.uuid4().hex[:10]}",
        label=f"Geste {next(_numbers)}",
        domain=domain,
        difficulty=difficulty,
        commitment=Commitment.ONE_OFF,
    )


def make_challenge_index(town: TownPage) -> ChallengeIndexPage:
    existing = ChallengeIndexPage.objects.child_of(town).first()
    if existing is not None:
        return existing
    return town.add_child(instance=ChallengeIndexPage(title="Défis", slug="defis"))


def make_challenge(
    index: ChallengeIndexPage,
    action_types: list[ActionType],
    *,
    team_kind: str = TeamKind.HOUSEHOLD,
    goal_kind: str = GoalKind.ACTIONS,
    goal_value: int = 3,
    start_in_days: int = -20,
    length_days: int = 40,
    **fields,
) -> ChallengePage:
    start = timezone.localdate() + timedelta(days=start_in_days)
    number = next(_numbers)
    challenge = ChallengePage(
        title=f"Défi {number}",
        slug=f"defi-{number}",
        domain=action_types[0].domain if action_types else "water",
        start_date=start,
        end_date=start + timedelta(days=length_days),
        team_kind=team_kind,
        goal_kind=goal_kind,
        goal_value=goal_value,
        **fields,
    )
    index.add_child(instance=challenge)
    challenge.action_types.set(action_types)
    challenge.save_revision().publish()
    return ChallengePage.objects.get(pk=challenge.pk)


def log(member: Member, challenge: ChallengePage, action_type: ActionType, **kwargs):
    kwargs.setdefault("occurred_at", timezone.now())
    kwargs.setdefault("idempotency_key", scoring.new_idempotency_key())
    return actions.check_log_action(
        member, challenge, action_type=action_type, **kwargs
    )


@pytest.fixture(autouse=True)
def _closed_breaker() -> Iterator[None]:
    """Each test starts with the client's circuit breaker closed, and leaves it so."""
    transport.reset_breaker()
    yield
    transport.reset_breaker()


@pytest.fixture
def action_type(db) -> ActionType:
    return make_action_type()


@pytest.fixture
def challenge_index(town) -> ChallengeIndexPage:
    return make_challenge_index(town)


@pytest.fixture
def challenge(challenge_index, action_type) -> ChallengePage:
    return make_challenge(challenge_index, [action_type])


@pytest.fixture
def participant(member, challenge) -> Member:
    actions.check_join(member, challenge)
    return member


@pytest.fixture
def ambassador(town) -> User:
    return make_staff(town, roles.AMBASSADOR)


@pytest.fixture
def new_member(town) -> Callable[..., Member]:
    def make(neighbourhood: Neighbourhood | None = None) -> Member:
        return make_member(
            town, neighbourhood=neighbourhood or NeighbourhoodFactory(town=town)
        )

    return make

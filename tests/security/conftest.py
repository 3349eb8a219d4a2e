"""One small town with an object of every kind, and the five roles the
permission matrix and the bad-input tests look at, all built through the real
actions."""

import itertools
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from ambassadors import actions as ambassador_actions
from ambassadors import queries as ambassador_queries
from ambassadors.models import AmbassadorIndexPage, AmbassadorPage
from ambassadors.models.visits import VisitOutcome
from challenges import actions as challenge_actions
from challenges.models import ChallengePage, Reward, Shop
from community import privacy, roles
from community.models import Household, HouseholdStatus, Member, Neighbourhood
from feeds import actions as feed_actions
from feeds.models import ChatRoom, Comment, Post
from tests.challenges.conftest import make_action_type, make_challenge
from tests.challenges.conftest import make_challenge_index as challenge_index
from tests.factories import (
    NeighbourhoodFactory,
    make_household,
    make_member,
    make_staff,
    make_town,
)
from tests.tips.helpers import make_tip, make_tip_index

_keys = itertools.count(1)


def client_key() -> str:
    return f"securite-{next(_keys)}"


@dataclass
class World:
    """Everything a URL of the site may point at, and who is who."""

    town: object
    neighbourhood: Neighbourhood
    other_neighbourhood: Neighbourhood
    resident: Member
    other: Member
    ambassador: User
    moderator: User
    household: Household
    other_household: Household
    post: Post
    comment: Comment
    room: ChatRoom
    dm: ChatRoom
    challenge: ChallengePage
    reward: Reward
    shop: Shop
    onboarding_public_id: str
    visit_id: int
    ambassador_page: AmbassadorPage
    tip: object
    tip_index: object

    def user(self, role: str) -> User | None:
        return {
            "anonymous": None,
            "resident": self.resident.user,
            "other": self.other.user,
            "ambassador": self.ambassador,
            "moderator": self.moderator,
        }[role]


ROLES = ("anonymous", "resident", "other", "ambassador", "moderator")


@pytest.fixture
def generous_rates(settings) -> None:
    """The matrix makes many requests: no rate limit may answer instead."""
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        **{
            f"{scope}_RATE": (100_000, 600)
            for scope in (
                "POST",
                "COMMENT",
                "MESSAGE",
                "SIGNUP",
                "LOGIN",
                "INVITATION",
                "SEARCH",
                "SUGGEST",
                "REACTION",
                "ACTION",
                "TIP_PROPOSAL",
            )
        },
    }


def build_world() -> World:
    town = make_town("Val-Securite")
    neighbourhood = NeighbourhoodFactory(town=town)
    other_neighbourhood = NeighbourhoodFactory(town=town)
    household = make_household(neighbourhood, status=HouseholdStatus.ACTIVE)
    resident = make_member(town, household=household, display_name="Rose R.")
    other_household = make_household(other_neighbourhood, status=HouseholdStatus.ACTIVE)
    other = make_member(town, household=other_household, display_name="Omar O.")

    # The ambassador covers the resident's neighbourhood.
    ambassador = make_staff(town, roles.AMBASSADOR)
    index = town.add_child(
        instance=AmbassadorIndexPage(title="Les ambassadeurs", slug="ambassadeurs")
    )
    ambassador_page = index.add_child(
        instance=AmbassadorPage(title="Léa", slug="lea", user=ambassador)
    )
    ambassador_page.neighbourhoods.set([neighbourhood])
    ambassador_page.save()
    moderator = make_staff(town, roles.MODERATOR)

    scope = ambassador_queries.access_ambassador_scope(ambassador, town)
    logged = ambassador_actions.check_log_visit(
        scope,
        neighbourhood=neighbourhood,
        street="rue des Lilas",
        house_number="3",
        outcome=VisitOutcome.NOT_INTERESTED,
    )
    consent = privacy.current_consent_text()
    onboarding, _invitation = ambassador_actions.check_pre_register(
        scope,
        neighbourhood=neighbourhood,
        domains=["energy"],
        consent_text_id=consent.pk,
        contact="",
    )

    post = feed_actions.check_create_post(
        resident, body="Bonjour le quartier", client_key=client_key()
    )
    comment = feed_actions.check_add_comment(
        resident, post, body="Premier commentaire", client_key=client_key()
    )
    room = feed_actions.get_or_create_neighbourhood_room(neighbourhood)
    dm = feed_actions.get_or_create_direct_room(resident, other)

    action_type = make_action_type()
    challenge = make_challenge(challenge_index(town), [action_type])
    challenge_actions.check_join(resident, challenge)

    shop = Shop.objects.create(town=town, name="Épicerie du coin")
    reward = Reward.objects.create(
        shop=shop,
        title="Panier de légumes",
        points=10,
        valid_from=timezone.localdate(),
    )
    tip_index = make_tip_index(town)
    tip = make_tip(tip_index, "Couvrir les casseroles")
    return World(
        town=town,
        neighbourhood=neighbourhood,
        other_neighbourhood=other_neighbourhood,
        resident=resident,
        other=other,
        ambassador=ambassador,
        moderator=moderator,
        household=household,
        other_household=other_household,
        post=post,
        comment=comment,
        room=room,
        dm=dm,
        challenge=challenge,
        reward=reward,
        shop=shop,
        onboarding_public_id=onboarding.household.public_id,
        visit_id=logged.visit.pk,
        ambassador_page=ambassador_page,
        tip=tip,
        tip_index=tip_index,
    )


@pytest.fixture
def world(db, generous_rates) -> World:
    return build_world()

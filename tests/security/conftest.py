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
from community.apikeys import do_create_api_key
from community.models import (
    ApiKeyPurpose,
    Household,
    HouseholdStatus,
    Member,
    Neighbourhood,
)
from feeds import actions as feed_actions
from feeds.models import ChatRoom, Comment, Post
from reports import actions as report_actions
from tests.challenges.conftest import make_action_type, make_challenge
from tests.challenges.conftest import make_challenge_index as challenge_index
from tests.factories import (
    NeighbourhoodFactory,
    make_household,
    make_member,
    make_report,
    make_report_category,
    make_staff,
    make_town,
)
from tests.tips.helpers import make_tip, make_tip_index
from townsensors.models import TownSensor

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
    report_category: object = None
    report: object = None
    report_note: object = None
    sensor: object = None
    api_key: object = None
    # In every name and text of the town's objects (town B's of the cross-town
    # matrix); tests/security/local_life.py puts it in the objects it builds.
    marker: str = ""

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
                "REPORT",
                "REPORT_NOTE",
                "API_KEY",
            )
        },
    }


def build_world(
    title: str = "Val-Securite", hostname: str | None = None, marker: str = ""
) -> World:
    """The town and its objects; `marker` goes into every name and text of
    them, so that a page showing any of them can be caught (a second town on
    `hostname` for the cross-town matrix)."""
    town = make_town(title, hostname=hostname)
    neighbourhood = NeighbourhoodFactory(town=town, name=f"Les Lilas{marker}")
    other_neighbourhood = NeighbourhoodFactory(town=town, name=f"La Gare{marker}")
    household = make_household(neighbourhood, status=HouseholdStatus.ACTIVE)
    resident = make_member(town, household=household, display_name=f"Rose R.{marker}")
    other_household = make_household(other_neighbourhood, status=HouseholdStatus.ACTIVE)
    other = make_member(
        town, household=other_household, display_name=f"Omar O.{marker}"
    )

    # The ambassador covers the resident's neighbourhood.
    ambassador = make_staff(town, roles.AMBASSADOR)
    index = town.add_child(
        instance=AmbassadorIndexPage(title="Les ambassadeurs", slug="ambassadeurs")
    )
    ambassador_page = index.add_child(
        instance=AmbassadorPage(title=f"Léa{marker}", slug="lea", user=ambassador)
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
        resident, body=f"Bonjour le quartier{marker}", client_key=client_key()
    )
    comment = feed_actions.check_add_comment(
        resident, post, body=f"Premier commentaire{marker}", client_key=client_key()
    )
    room = feed_actions.get_or_create_neighbourhood_room(neighbourhood)
    dm = feed_actions.get_or_create_direct_room(resident, other)

    action_type = make_action_type()
    challenge = make_challenge(challenge_index(town), [action_type])
    challenge_actions.check_join(resident, challenge)

    shop = Shop.objects.create(town=town, name=f"Épicerie du coin{marker}")
    reward = Reward.objects.create(
        shop=shop,
        title=f"Panier de légumes{marker}",
        points=10,
        valid_from=timezone.localdate(),
    )
    tip_index = make_tip_index(town)
    tip = make_tip(tip_index, f"Couvrir les casseroles{marker}")

    # A citizen report with a resident's note, a town sensor, an Open311 key.
    report_category = make_report_category(
        town, f"Éclairage{marker}", service_code="eclairage"
    )
    report = make_report(
        resident,
        report_category,
        description=f"Lampadaire éteint{marker}",
        address=f"rue des Lilas{marker}",
    )
    report_note = report_actions.check_add_note(other, report, f"Toujours{marker}")
    sensor = TownSensor.objects.create(
        town=town,
        name=f"Sonde du parc{marker}",
        kind="temperature",
        unit="°C",
        latitude=45.05,
        longitude=4.05,
    )
    api_key, _raw = do_create_api_key(town, ApiKeyPurpose.OPEN311, f"Voirie{marker}")
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
        report_category=report_category,
        report=report,
        report_note=report_note,
        sensor=sensor,
        api_key=api_key,
        marker=marker,
    )


@pytest.fixture
def world(db, generous_rates) -> World:
    return build_world()


# The second town's marker: in every name and text of town B, never in A's.
B_MARKER = " Zorglub"


@dataclass
class CrossTown:
    """Two towns on one deployment, and the staff of town A (roles per town)."""

    a: World
    b: World
    staff: dict  # role name -> a user holding it in town A (with the resident)
    superuser: User
    b_report_group: object
    b_decision: object
    b_appeal: object
    b_degree_day: object
    b_message: object


def build_cross_town() -> CrossTown:
    """Town A on the default site, town B on its own hostname, each with an
    object of every kind; B's have a report, a decision and its appeal too."""
    from community.models import Role
    from moderation import actions as moderation_actions
    from moderation import items
    from moderation.models import Reason, ReportGroup
    from scoring.models import DegreeDay

    a = build_world("Val-A")
    b = build_world("Val-B", hostname="val-b.test", marker=B_MARKER)
    staff = {
        "resident": a.resident.user,
        "ambassador": make_staff(a.town, roles.AMBASSADOR),
        "moderator": make_staff(a.town, roles.MODERATOR),
        "service": make_staff(a.town, roles.SERVICE),
        "town_admin": make_staff(a.town, roles.TOWN_ADMIN),
    }
    assert roles.is_moderator(staff["town_admin"], a.town)
    assert not roles.has_role(staff["moderator"], b.town, *Role.values)
    superuser = User.objects.create_superuser(
        "racine@example.org", "racine@example.org", "un-mot-de-passe-solide"
    )
    moderation_actions.check_report(b.other, "post", b.post.pk, reason=Reason.SPAM)
    group = ReportGroup.objects.get(town=b.town)
    comment = items.load("comment", b.comment.pk)
    decision = moderation_actions.do_warn(superuser, comment, "Ton vif" + B_MARKER)
    appeal = moderation_actions.check_appeal(
        b.resident, decision, "Je conteste" + B_MARKER
    )
    degree_day = DegreeDay.objects.create(
        town=b.town, date=timezone.localdate(), value="12.5"
    )
    message = feed_actions.check_send_message(
        b.resident,
        b.room,
        body="Message du quartier" + B_MARKER,
        client_key=client_key(),
    )
    return CrossTown(
        a=a,
        b=b,
        staff=staff,
        superuser=superuser,
        b_report_group=group,
        b_decision=decision,
        b_appeal=appeal,
        b_degree_day=degree_day,
        b_message=message,
    )


@pytest.fixture
def cross_town(db, generous_rates) -> CrossTown:
    return build_cross_town()

"""Per-town settings (a town's « Réglages »): two towns on one deployment, each
with its own values, behave differently through HTTP; new towns start from the
deployment's values; the map's bounds are checked with clear messages."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import AmbassadorIndexPage, AmbassadorPage
from community.actions import do_grant_role, do_issue_invitation
from community.models import HouseholdStatus, Member, Role, TownPage
from community.towns import policy
from tests.community.conftest import B_HOST
from tests.factories import (
    PASSWORD,
    NeighbourhoodFactory,
    make_household,
    make_member,
    make_town,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_b(town_b) -> TownPage:
    """The second town, with other settings."""
    town_b.open_signup = False
    town_b.invitation_valid_days = 7
    town_b.coverage_target_share = 0.3
    town_b.save()
    return town_b


def signup_data(**overrides) -> dict:
    return {
        "code": "",
        "display_name": "Nadia K.",
        "email": "nadia@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def test_a_new_town_starts_from_the_deployments_values(settings):
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "INVITATION_VALID_DAYS": 12,
        "COMMENT_RATE": (7, 600),
        "MODERATION": {**settings.SMARTCITIZEN["MODERATION"], "TRUSTED_DAYS": 40},
    }
    town = make_town("Neuve", hostname="neuve.test")
    town.refresh_from_db()
    rules = policy(town)
    assert rules.invitation_valid_days == 12
    assert rules.rates["comment"] == (7, 600)
    assert rules.moderation["TRUSTED_DAYS"] == 40
    assert rules.open_signup is True  # the test settings' value


def test_policy_costs_no_query_once_the_town_is_loaded(town):
    with CaptureQueriesContext(connection) as queries:
        policy(town)
    assert len(queries.captured_queries) == 0


def test_sign_up_is_open_in_one_town_and_by_code_in_the_other(client, town, town_b):
    here = NeighbourhoodFactory(town=town)
    there = NeighbourhoodFactory(town=town_b)
    # The open town offers the neighbourhoods; the other asks for a code.
    assert 'name="neighbourhood"' in client.get(reverse("signup")).content.decode()
    form_b = client.get(reverse("signup"), HTTP_HOST=B_HOST).content.decode()
    assert 'name="neighbourhood"' not in form_b
    response = client.post(
        reverse("signup"),
        signup_data(email="nadia@example.org", neighbourhood=there.pk),
        HTTP_HOST=B_HOST,
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="nadia@example.org").exists()
    response = client.post(
        reverse("signup"), signup_data(email="nadia@example.org", neighbourhood=here.pk)
    )
    assert response.status_code == 302
    assert Member.objects.get(user__username="nadia@example.org").town_id == town.pk


def test_a_code_still_opens_the_closed_town(client, town_b):
    household = make_household(NeighbourhoodFactory(town=town_b))
    code = do_issue_invitation(household, issued_by=None).code
    response = client.post(reverse("signup"), signup_data(code=code), HTTP_HOST=B_HOST)
    assert response.status_code == 302
    assert Member.objects.get(user__username="nadia@example.org").town_id == town_b.pk


def test_invitations_last_as_long_as_their_town_says(town, town_b):
    now = timezone.now()
    here = do_issue_invitation(
        make_household(NeighbourhoodFactory(town=town)), issued_by=None
    )
    there = do_issue_invitation(
        make_household(NeighbourhoodFactory(town=town_b)), issued_by=None
    )
    assert abs(here.expires_at - now - timedelta(days=30)) < timedelta(minutes=1)
    assert abs(there.expires_at - now - timedelta(days=7)) < timedelta(minutes=1)


def ambassador_of(town: TownPage, neighbourhood, email: str) -> User:
    user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    do_grant_role(user, town, Role.AMBASSADOR)
    Member.objects.create(user=user, town=town, display_name=email)
    index = town.add_child(
        instance=AmbassadorIndexPage(title="Ambassadeurs", slug="ambassadeurs")
    )
    page = index.add_child(
        instance=AmbassadorPage(title=email, slug=email.split("@")[0], user=user)
    )
    page.neighbourhoods.set([neighbourhood])
    page.save_revision().publish()
    return user


def test_the_coverage_page_shows_each_towns_target(client, town, town_b):
    here = NeighbourhoodFactory(town=town, household_count=400)
    there = NeighbourhoodFactory(town=town_b, household_count=400)
    for neighbourhood in (here, there):
        make_household(neighbourhood, status=HouseholdStatus.ACTIVE)
    client.force_login(ambassador_of(town, here, "lea@example.org"))
    page = client.get(reverse("ambassadors:dashboard")).content.decode()
    assert "objectif 25 % (100 foyers)" in page
    client.force_login(ambassador_of(town_b, there, "hugo@example.org"))
    page = client.get(reverse("ambassadors:dashboard"), HTTP_HOST=B_HOST)
    assert "objectif 30 % (120 foyers)" in page.content.decode()


def test_rates_are_the_towns(town, town_b):
    from feeds.actions import check_create_post

    town_b.post_rate = 1
    town_b.save(update_fields=["post_rate"])
    here = make_member(town, neighbourhood=NeighbourhoodFactory(town=town))
    there = make_member(  # with a code: the town's sign-up is by invitation
        town_b, household=make_household(NeighbourhoodFactory(town=town_b))
    )
    for n in range(2):
        check_create_post(here, body=f"Bonjour {n}", client_key=f"here-{n}")
    check_create_post(there, body="Bonjour", client_key="there-0")
    with pytest.raises(ValidationError, match="attendez"):
        check_create_post(there, body="Encore", client_key="there-1")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"bounds_south": 50.7, "bounds_north": 50.6},
            "bounds_north",
            "La latitude nord doit être plus grande que la latitude sud.",
        ),
        (
            {"bounds_west": 3.1, "bounds_east": 3.0},
            "bounds_east",
            "La longitude est doit être plus grande que la longitude ouest.",
        ),
        (
            {"map_latitude": 51.0},
            "map_latitude",
            "Le centre de la carte doit être entre les latitudes sud et nord.",
        ),
        (
            {"map_longitude": 2.0},
            "map_longitude",
            "Le centre de la carte doit être entre les longitudes ouest et est.",
        ),
        (
            {"bounds_east": None},
            "bounds_east",
            "Donnez les quatre limites, ou aucune.",
        ),
        ({"bounds_south": -91}, "bounds_south", "supérieure ou égale à -90"),
        ({"bounds_east": 181}, "bounds_east", "inférieure ou égale à 180"),
    ],
)
def test_the_map_is_checked_with_clear_messages(town, values, field, message):
    town.bounds_south, town.bounds_west = 50.6, 3.0
    town.bounds_north, town.bounds_east = 50.7, 3.1
    town.map_latitude, town.map_longitude = 50.65, 3.05
    town.full_clean()  # the right map passes
    for name, value in values.items():
        setattr(town, name, value)
    with pytest.raises(ValidationError) as raised:
        town.full_clean()
    assert field in raised.value.message_dict
    assert any(message in text for text in raised.value.message_dict[field])


def test_tariffs_are_the_towns(settings, town, town_b):
    from scoring.engine.sensors import tariff, town_tariffs

    town_b.tariff_water = 5.0
    town_b.save(update_fields=["tariff_water"])
    assert tariff("water_l", town_tariffs(pk=town_b.pk)) == {"eur": 5.0, "per": "m³"}
    here = NeighbourhoodFactory(town=town)
    assert (
        tariff("water_l", town_tariffs(neighbourhoods=here.pk))["eur"]
        == (settings.SMARTCITIZEN["TARIFFS"]["water_eur_per_m3"])
    )


def test_moderators_tune_thresholds_and_administrators_set_the_policy():
    """The town page's « Réglages » in the admin: a moderator's form holds the
    moderation thresholds but none of the policy fields (sign-up, tariffs,
    map, per-member limits), so no POST of theirs can change them; the town's
    administrator gets them all."""
    from django.test import Client

    from tests.factories import make_staff

    town = make_town("Genlis")
    edit = reverse("wagtailadmin_pages:edit", args=[town.pk])
    policy_fields = {
        "open_signup",
        "invitation_valid_days",
        "coverage_target_share",
        "tariff_electricity",
        "bounds_south",
        "map_latitude",
        "post_rate",
        "new_post_rate",
    }
    thresholds = {"auto_hide_trusted_reports", "new_member_days", "trusted_days"}

    client = Client()
    client.force_login(make_staff(town, Role.MODERATOR))
    answer = client.get(edit)
    assert answer.status_code == 200
    fields = set(answer.context["form"].fields)
    assert thresholds <= fields
    assert not policy_fields & fields

    client.force_login(make_staff(town, Role.TOWN_ADMIN))
    fields = set(client.get(edit).context["form"].fields)
    assert (thresholds | policy_fields) <= fields

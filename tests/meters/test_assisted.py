"""An ambassador on the doorstep types a meter index for a household that asked:
through the follow-up page's form, audited, visible to the household, refused
outside the ambassador's neighbourhoods."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassadors import actions, queries
from ambassadors.models import AmbassadorIndexPage, AmbassadorPage, AuditEntry
from community import roles
from community.models import Member
from community.privacy import current_consent_text
from meters.models import MeterIndex
from tests.factories import NeighbourhoodFactory, make_member, make_staff


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ambassador_page(town, neighbourhood) -> AmbassadorPage:
    index = town.add_child(
        instance=AmbassadorIndexPage(title="Les ambassadeurs", slug="ambassadeurs")
    )
    user = make_staff(town, roles.AMBASSADOR)
    Member.objects.filter(user=user).update(display_name="Léa, ambassadrice")
    page = index.add_child(instance=AmbassadorPage(title="Léa", slug="lea", user=user))
    page.neighbourhoods.set([neighbourhood])
    page.save()
    return page


@pytest.fixture
def ambassador(ambassador_page) -> User:
    return ambassador_page.user


@pytest.fixture
def onboarding(town, ambassador, neighbourhood):
    scope = queries.access_ambassador_scope(ambassador, town)
    onboarding, _ = actions.check_pre_register(
        scope,
        neighbourhood=neighbourhood,
        domains=["energy"],
        consent_text_id=current_consent_text().pk,
    )
    return onboarding


def index_url(onboarding) -> str:
    return reverse("ambassadors:meter_index", args=[onboarding.household.public_id])


def post_index(client: Client, onboarding, value: str, days_ago: int = 0, **extra):
    day = timezone.localdate() - timedelta(days=days_ago)
    return client.post(
        index_url(onboarding),
        {"meter_kind": "gas", "read_on": day.isoformat(), "value": value, **extra},
    )


def test_the_follow_up_page_has_the_index_form(ambassador, onboarding):
    page = signed_in(ambassador).get(
        reverse("ambassadors:household", args=[onboarding.household.public_id])
    )
    html = page.content.decode()
    assert f'action="{index_url(onboarding)}"' in html
    assert "Gaz (m³)" in html


def test_an_assisted_index_is_stored_audited_and_shown_to_the_household(
    town, ambassador, onboarding
):
    client = signed_in(ambassador)
    response = post_index(client, onboarding, "4120,5", days_ago=7)
    assert response.status_code == 302
    post_index(client, onboarding, "4130,5")
    indexes = MeterIndex.objects.filter(household=onboarding.household)
    assert indexes.count() == 2
    assert all(index.assisted for index in indexes)
    assert {index.entered_by_id for index in indexes} == {ambassador.pk}
    audit = AuditEntry.objects.filter(
        household=onboarding.household, actor=ambassador, detail__action="meter_index"
    )
    assert audit.count() == 2

    # The household sees it on « Mes compteurs », with who typed it.
    resident = make_member(town, household=onboarding.household)
    html = signed_in(resident.user).get("/foyer/compteurs/").content.decode()
    assert "saisi par Léa, ambassadrice" in html
    assert "4 130,5 m³" in html.replace("\u202f", " ").replace("\xa0", " ")


def test_a_lower_index_asks_the_ambassador_too(ambassador, onboarding):
    client = signed_in(ambassador)
    post_index(client, onboarding, "4120", days_ago=7)
    asked = post_index(client, onboarding, "3")
    assert asked.status_code == 200
    assert "Le compteur a-t-il été remplacé ?" in asked.content.decode()
    assert MeterIndex.objects.count() == 1
    answered = post_index(client, onboarding, "3", question="1", new_meter="oui")
    assert answered.status_code == 302
    assert MeterIndex.objects.filter(new_meter=True, assisted=True).count() == 1


def test_outside_the_ambassadors_neighbourhoods_it_is_refused(
    town, ambassador_page, ambassador, onboarding
):
    # The household stays followed, but its neighbourhood is no longer the
    # ambassador's: a clear refusal, nothing stored, nothing audited.
    ambassador_page.neighbourhoods.set([NeighbourhoodFactory(town=town)])
    ambassador_page.save()
    before = AuditEntry.objects.count()
    response = post_index(signed_in(ambassador), onboarding, "4120")
    assert response.status_code == 200
    assert "n&#x27;est pas l&#x27;un des vôtres" in response.content.decode()
    assert MeterIndex.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_only_the_following_ambassador_may_type(town, onboarding, neighbourhood):
    # Another ambassador of the same neighbourhood does not follow this household.
    other = make_staff(town, roles.AMBASSADOR)
    index = AmbassadorIndexPage.objects.get()
    page = index.add_child(
        instance=AmbassadorPage(title="Yanis", slug="yanis", user=other)
    )
    page.neighbourhoods.set([neighbourhood])
    page.save()
    assert post_index(signed_in(other), onboarding, "10").status_code == 404
    # A member of the household itself is no ambassador.
    resident = make_member(town, household=onboarding.household)
    assert post_index(signed_in(resident.user), onboarding, "10").status_code == 403
    anonymous = Client().post(index_url(onboarding), {})
    assert anonymous.status_code == 302
    assert MeterIndex.objects.count() == 0

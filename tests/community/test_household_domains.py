"""Changing the household's domains on its page: any member of the household,
through community.actions.check_set_household_domains; bad input changes nothing."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community import actions
from community.domains import SHOW_ALL_PARAM, DomainsFirst, domains_first
from community.models import Household
from tests.factories import make_member, make_staff


def domains_url(member) -> str:
    return reverse("household_domains", args=[member.household.public_id])


def stored(member) -> list[str]:
    return Household.objects.get(pk=member.household_id).domains


@pytest.fixture
def anne(town, neighbourhood):
    anne = make_member(town, neighbourhood=neighbourhood, display_name="Anne B.")
    actions.do_set_household_domains(anne.household, ["energy"])
    return anne


def test_a_member_changes_the_domains_in_the_programme_order(client, anne):
    client.force_login(anne.user)
    response = client.post(domains_url(anne), {"domains": ["water", "energy"]})
    assert response.status_code == 302
    assert stored(anne) == ["energy", "water"]
    page = client.get(response["Location"])
    assert "Les domaines de votre foyer sont enregistrés" in page.text
    assert 'value="water" id="id_domains_1" checked' in page.text


def test_no_domain_is_allowed_and_means_everything(client, anne):
    client.force_login(anne.user)
    response = client.post(domains_url(anne), {})
    assert response.status_code == 302 and stored(anne) == []
    page = client.get(response["Location"])
    assert "Aucun domaine choisi : vous voyez tout" in page.text


def test_an_unknown_code_is_refused_clearly_and_changes_nothing(client, anne):
    client.force_login(anne.user)
    response = client.post(domains_url(anne), {"domains": ["water", "nuclear"]})
    assert response.status_code == 200
    assert "« nuclear » n&#x27;est pas un domaine proposé dans votre commune." in (
        response.text
    )
    # Re-shown as ticked, and nothing written.
    assert re.search(r'value="water"[^>]*checked', response.text)
    assert not re.search(r'value="energy"[^>]*checked', response.text)
    assert stored(anne) == ["energy"]


def test_a_domain_the_town_does_not_offer_is_refused(town, anne):
    town.domains = ["energy", "water"]
    town.save(update_fields=["domains"])
    anne.town.domains = town.domains
    with pytest.raises(ValidationError) as refused:
        actions.check_set_household_domains(anne, anne.household, ["transport"])
    assert "transport" in str(refused.value)
    assert stored(anne) == ["energy"]


def test_any_member_of_the_household_may_change_them_nobody_else(
    client, town, neighbourhood, anne
):
    paul = make_member(town, household=anne.household, display_name="Paul B.")
    client.force_login(paul.user)
    assert client.post(domains_url(anne), {"domains": ["waste"]}).status_code == 302
    assert stored(anne) == ["waste"]

    other = make_member(town, neighbourhood=neighbourhood)
    client.force_login(other.user)
    assert client.post(domains_url(anne), {"domains": ["water"]}).status_code == 404
    client.force_login(make_staff(town, "moderator"))
    assert client.post(domains_url(anne), {"domains": ["water"]}).status_code == 404
    client.logout()
    response = client.post(domains_url(anne), {"domains": ["water"]})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert stored(anne) == ["waste"]
    with pytest.raises(PermissionDenied):
        actions.check_set_household_domains(other, anne.household, ["water"])
    # A GET is not a change.
    client.force_login(paul.user)
    assert client.get(domains_url(anne)).status_code == 405


def test_the_reader():
    class Member:
        household = type("H", (), {"domains": ["water", "energy", "bogus"]})()

    prefs = domains_first(Member(), {})
    assert prefs.first == ("energy", "water") and prefs.labels() == ["Énergie", "Eau"]
    items = ["transport", "water", "waste", "energy"]
    assert prefs.sort(items, key=str) == ["water", "energy", "transport", "waste"]
    assert not domains_first(Member(), {SHOW_ALL_PARAM: "1"}).active
    assert domains_first(None, {}) == DomainsFirst()
    assert not DomainsFirst(
        chosen=("energy", "water", "transport", "waste", "local_food")
    ).active

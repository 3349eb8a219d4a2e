"""Towns as objects, outside the page: each town's own consent texts (and the
template new towns copy), links in e-mails on the member's town's hostname, and
the development-only `?town=` switch."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from community import privacy
from community.models import ConsentKind, ConsentRecord, ConsentText, HouseholdStatus
from community.new_town import do_copy_consent_texts
from community.towns import (
    DevTownSwitchMiddleware,
    absolute_url,
    town_for_request,
)
from feeds import actions as feeds
from tests.community.conftest import B_HOST
from tests.factories import NeighbourhoodFactory, make_household, make_member

pytestmark = pytest.mark.django_db


# Consent texts per town.


def test_each_town_reads_its_own_consent_text(town, town_b):
    template = privacy.current_consent_text()
    assert template.town_id is None
    do_copy_consent_texts(town_b)
    own = privacy.current_consent_text(town=town_b)
    assert (own.town_id, own.text, own.version) == (
        town_b.pk,
        template.text,
        template.version,
    )
    ConsentText.objects.create(
        town=town_b,
        kind=ConsentKind.PARTICIPATION,
        version=template.version + 1,
        text="Texte de Bville, version 2",
    )
    assert privacy.current_consent_text(town=town_b).text == (
        "Texte de Bville, version 2"
    )
    # A town without texts of its own reads the template; the template stays.
    assert privacy.current_consent_text(town=town) == template
    assert privacy.current_consent_text() == template


def test_the_consent_page_shows_the_members_towns_text(client, town_b):
    do_copy_consent_texts(town_b)
    ConsentText.objects.filter(town=town_b, kind=ConsentKind.RESEARCH).update(
        text="Recherche à Bville : texte de la commune."
    )
    household = make_household(
        NeighbourhoodFactory(town=town_b), status=HouseholdStatus.ACTIVE
    )
    member = make_member(town_b, household=household)
    client.force_login(member.user)
    page = client.get(reverse("mydata:consents"), HTTP_HOST=B_HOST).content.decode()
    assert "Recherche à Bville : texte de la commune." in page
    text = privacy.current_consent_text(ConsentKind.RESEARCH, town_b)
    # The template's text is not the one the member read: refused.
    template = privacy.current_consent_text(ConsentKind.RESEARCH)
    client.post(reverse("mydata:consents"), {"text_id": template.pk}, HTTP_HOST=B_HOST)
    assert not household.consents.exists()
    response = client.post(
        reverse("mydata:consents"), {"text_id": text.pk}, HTTP_HOST=B_HOST
    )
    assert response.status_code == 302
    assert household.consents.get().text == text


def test_the_data_migration_gives_each_town_its_texts(town, town_b):
    migration = importlib.import_module(
        "community.migrations.0011_consent_texts_per_town"
    )
    template = privacy.current_consent_text()
    households = {
        t.pk: make_household(NeighbourhoodFactory(town=t), HouseholdStatus.ACTIVE)
        for t in (town, town_b)
    }
    for household in households.values():
        ConsentRecord.objects.create(household=household, text=template)
    migration.texts_per_town(apps, None)
    for town_id, household in households.items():
        record = household.consents.get()
        assert record.text.town_id == town_id
        assert (record.text.kind, record.text.version, record.text.text) == (
            template.kind,
            template.version,
            template.text,
        )
    template.refresh_from_db()
    assert template.town_id is None  # the template kept for new towns
    assert not template.records.exists()
    migration.texts_per_town(apps, None)  # twice: nothing more
    assert (
        ConsentText.objects.filter(town=town).count()
        == ConsentText.objects.filter(town__isnull=True).count()
    )


# Links sent out: the member's town's hostname.


def test_absolute_urls_use_the_towns_site(settings, town, town_b):
    assert absolute_url(town_b, "/fil/") == "http://b.test/fil/"
    assert absolute_url(town, "fil/") == "http://localhost/fil/"
    settings.SITE_SCHEME = "https"
    town_b.sites_rooted_here.update(port=8443)
    assert absolute_url(town_b, "/fil/") == "https://b.test:8443/fil/"


def test_a_digest_links_to_the_members_own_town(town, town_b):
    def pair(t):
        neighbourhood = NeighbourhoodFactory(town=t)
        household = make_household(neighbourhood)
        member = make_member(t, household=household, display_name="Anne B.")
        other = make_member(
            t, household=make_household(neighbourhood), display_name="Paul M."
        )
        feeds.do_set_notification_preferences(member, {"follow": "email"})
        feeds.do_follow(other, "member", member.pk)
        return member

    here, there = pair(town), pair(town_b)
    call_command("send_notification_digest")
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "http://b.test/" in bodies[there.user.email]
    assert "localhost" not in bodies[there.user.email]
    assert "http://localhost/" in bodies[here.user.email]
    assert "b.test" not in bodies[here.user.email]


# `?town=<slug>`: development only.


def test_the_town_switch_does_nothing_under_the_test_settings(client, town, town_b):
    page = client.get("/?town=bville").content.decode()
    assert "Val-Test" in page and "Bville" not in page


def switched(settings, debug: bool, path: str, session: dict):
    settings.DEBUG = debug
    request = RequestFactory().get(path)
    request.session = session
    DevTownSwitchMiddleware(lambda request: None)(request)
    return town_for_request(request)


def test_the_town_switch_works_only_with_debug(settings, town, town_b):
    session: dict = {}
    assert switched(settings, False, "/?town=bville", session) == town
    assert session == {}
    assert switched(settings, True, "/?town=bville", session) == town_b
    assert switched(settings, True, "/", session) == town_b  # remembered
    assert switched(settings, True, "/?town=", session) == town
    assert switched(settings, True, "/?town=inconnue", session) == town

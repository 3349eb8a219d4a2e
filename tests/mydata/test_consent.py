"""Consents: the household's history, research consent given and withdrawn."""

import pytest
from django.urls import reverse

from community import privacy
from community.models import ConsentKind, ConsentRecord
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_give_and_withdraw_research_consent_through_the_page(client, member):
    client.force_login(member.user)
    url = reverse("mydata:consents")
    text = privacy.current_consent_text(ConsentKind.RESEARCH)
    page = client.get(url).content.decode()
    assert "sous forme de statistiques" in page and "sous forme" in text.text
    assert not privacy.household_has_research_consent(member.household)

    client.post(url, {"text_id": text.pk})
    record = ConsentRecord.objects.get(household=member.household, text=text)
    assert record.withdrawn_at is None and record.recorded_by == member.user
    assert privacy.household_has_research_consent(member.household)
    # Given twice: still one record in force.
    client.post(url, {"text_id": text.pk})
    assert ConsentRecord.objects.filter(household=member.household).count() == 1

    client.post(url, {"op": "withdraw"})
    record.refresh_from_db()
    assert record.withdrawn_at is not None
    assert not privacy.household_has_research_consent(member.household)
    page = client.get(url).content.decode()
    # The history shows the version and both dates.
    assert "Version 1" in page and "Utilisation pour la recherche" in page
    assert "En vigueur" not in page


def test_an_outdated_text_is_refused(client, member):
    client.force_login(member.user)
    text = privacy.current_consent_text(ConsentKind.RESEARCH)
    newer = type(text).objects.create(
        kind=ConsentKind.RESEARCH, version=text.version + 1, text="Version deux"
    )
    response = client.post(
        reverse("mydata:consents"), {"text_id": text.pk}, follow=True
    )
    assert "Le texte de consentement a chang" in response.content.decode()
    assert not ConsentRecord.objects.filter(household=member.household).exists()
    client.post(reverse("mydata:consents"), {"text_id": newer.pk})
    assert ConsentRecord.objects.get(household=member.household).text == newer


def test_research_consent_is_not_participation(member):
    text = privacy.current_consent_text(ConsentKind.RESEARCH)
    privacy.check_give_research_consent(member, text_id=text.pk)
    # Only the participation kind makes a household a consenting participant.
    assert not privacy.household_has_consent(member.household)
    participation = privacy.current_consent_text()
    privacy.check_record_household_consent(
        member.household, text_id=participation.pk, recorded_by=None
    )
    assert privacy.household_has_consent(member.household)
    privacy.do_withdraw_research_consent(member)
    assert privacy.household_has_consent(member.household)


def test_a_member_sees_only_their_own_households_consents(client, town, neighbourhood):
    first = make_member(town, neighbourhood=neighbourhood)
    second = make_member(town, neighbourhood=neighbourhood)
    text = privacy.current_consent_text(ConsentKind.RESEARCH)
    privacy.check_give_research_consent(first, text_id=text.pk)
    client.force_login(second.user)
    page = client.get(reverse("mydata:consents")).content.decode()
    assert "Aucun consentement enregistré" in page


def test_privacy_page_is_public_plain_french_and_in_the_footer(client, member):
    page = client.get(reverse("mydata:privacy"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "indépendante de la mairie" in body
    assert "moins de 5 foyers" in body
    assert "Combien de temps" in body and "Qui voit quoi" in body
    home = client.get(reverse("mydata:privacy")).content.decode()
    assert f'href="{reverse("mydata:privacy")}"' in home.split("site-footer")[1]

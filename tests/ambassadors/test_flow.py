"""The doorstep flow end to end, as an ambassador and then a resident browse it."""

import re

from django.test import Client
from django.urls import reverse

from ambassadors.cards import qr_svg
from ambassadors.models import AuditEntry, AuditKind, Onboarding, Visit, VisitOutcome
from community.models import ConsentRecord, Household, HouseholdStatus, Member
from community.privacy import current_consent_text
from tests.factories import PASSWORD


def test_visit_pre_registration_consent_card_sign_up_dashboard(
    amb_client, ambassador, neighbourhood
):
    # The visit: the resident says yes, so the ambassador goes to pre-registration.
    response = amb_client.post(
        reverse("ambassadors:visit_new"),
        {
            "neighbourhood": neighbourhood.pk,
            "street": "Rue de l'Église",
            "house_number": "12 bis",
            "outcome": VisitOutcome.SIGNED_UP,
        },
    )
    visit = Visit.objects.get(ambassador=ambassador)
    assert response.status_code == 302
    assert response.url == reverse("ambassadors:pre_register") + f"?visite={visit.pk}"

    # Pre-registration shows the exact consent text in force.
    page = amb_client.get(response.url)
    text = current_consent_text()
    assert page.status_code == 200
    assert "J&#x27;accepte que mon foyer participe" in page.content.decode()
    assert f'name="consent_text" value="{text.pk}"' in page.content.decode()

    response = amb_client.post(
        reverse("ambassadors:pre_register"),
        {
            "visite": visit.pk,
            "neighbourhood": neighbourhood.pk,
            "domains": ["energy", "water"],
            "contact": "06 12 34 56 78",
            "consent_text": text.pk,
            "consent": "on",
        },
    )
    household = Household.objects.get(onboarding__ambassador=ambassador)
    assert response.status_code == 302
    assert response.url == reverse("ambassadors:card", args=[household.public_id])
    assert household.status == HouseholdStatus.PRE_REGISTERED
    assert household.domains == ["energy", "water"]
    consent = ConsentRecord.objects.get(household=household)
    assert consent.text == text and consent.recorded_by == ambassador
    visit.refresh_from_db()
    assert visit.household == household and visit.outcome == VisitOutcome.SIGNED_UP
    assert set(
        AuditEntry.objects.filter(household=household).values_list("kind", flat=True)
    ) == {
        AuditKind.HOUSEHOLD_PRE_REGISTERED,
        AuditKind.CONSENT_RECORDED,
        AuditKind.INVITATION_ISSUED,
    }

    # The card: the code, and a QR code of the sign-up URL with the code filled in.
    card = amb_client.get(response.url)
    html = card.content.decode()
    code = re.search(r'id="invitation-code">([A-Z0-9-]+)<', html).group(1)
    signup_url = f"http://testserver{reverse('signup')}?code={code}"
    assert signup_url in html
    assert str(qr_svg(signup_url)) in html
    assert "@page { size: A6" in open("static/css/ambassadors.css").read()

    # The resident follows the QR link on their own device and signs up.
    resident = Client()
    form = resident.get(signup_url)
    assert f'value="{code}"' in form.content.decode()
    response = resident.post(
        reverse("signup"),
        {
            "code": code,
            "display_name": "Mme Durand",
            "email": "durand@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(user__username="durand@example.org")
    assert member.household == household
    household.refresh_from_db()
    assert household.status == HouseholdStatus.ACTIVE

    # The household is signed up and active on the ambassador's dashboard.
    dashboard = amb_client.get(reverse("ambassadors:dashboard"))
    assert dashboard.status_code == 200
    rows = dashboard.context["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert (row.visited, row.signed_up, row.active, row.pre_registered) == (1, 1, 1, 0)
    assert "<svg" in dashboard.content.decode()
    # ... and in their follow-up list, by its pseudonym only.
    households = amb_client.get(reverse("ambassadors:households")).content.decode()
    assert household.public_id in households
    assert "Mme Durand" not in households
    assert "06 12 34 56 78" not in households
    assert Onboarding.objects.get(household=household).contact == "06 12 34 56 78"

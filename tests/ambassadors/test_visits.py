"""Visit log: merging, refusals outside the ambassador's neighbourhoods, call-backs."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from ambassadors import actions, queries
from ambassadors.models import AuditEntry, AuditKind, Visit, VisitOutcome
from ambassadors.models.visits import address_key
from community.models import ConsentRecord, Household, Invitation
from community.privacy import current_consent_text


@pytest.fixture
def scope(town, ambassador):
    return queries.access_ambassador_scope(ambassador, town)


def log(scope, neighbourhood, **overrides):
    data = {
        "neighbourhood": neighbourhood,
        "street": "Rue de l'Église",
        "house_number": "12 bis",
        "outcome": VisitOutcome.ABSENT,
    }
    data.update(overrides)
    return actions.check_log_visit(scope, **data)


def test_address_key_ignores_case_accents_and_punctuation():
    assert address_key("Rue de l'Église", "12 bis") == address_key(
        "RUE DE L EGLISE", "12BIS"
    )
    assert address_key("Rue de l'Église", "12") != address_key("Rue de l'Église", "14")


def test_the_same_door_the_same_day_merges(scope, neighbourhood, amb_client):
    first = log(scope, neighbourhood)
    response = amb_client.post(
        reverse("ambassadors:visit_new"),
        {
            "neighbourhood": neighbourhood.pk,
            "street": "rue de l'eglise",
            "house_number": "12BIS",
            "outcome": VisitOutcome.INTERESTED,
            "call_back_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
        follow=True,
    )
    assert Visit.objects.count() == 1
    visit = Visit.objects.get()
    assert visit.pk == first.visit.pk
    assert visit.outcome == VisitOutcome.INTERESTED
    assert visit.call_back_on == timezone.localdate() + timedelta(days=3)
    assert "fusionnées" in response.content.decode()
    kinds = list(AuditEntry.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [AuditKind.VISIT_LOGGED, AuditKind.VISIT_MERGED]


def test_another_day_is_another_visit(scope, neighbourhood):
    log(scope, neighbourhood, visited_on=timezone.localdate() - timedelta(days=1))
    log(scope, neighbourhood)
    assert Visit.objects.count() == 2


def test_a_merge_never_undoes_a_pre_registration(scope, neighbourhood):
    visit = log(scope, neighbourhood, outcome=VisitOutcome.SIGNED_UP).visit
    actions.check_pre_register(
        scope,
        neighbourhood=neighbourhood,
        domains=["energy"],
        consent_text_id=current_consent_text().pk,
        visit=visit,
    )
    merged = log(scope, neighbourhood, outcome=VisitOutcome.ABSENT)
    assert merged.merged
    assert merged.visit.outcome == VisitOutcome.SIGNED_UP
    assert merged.visit.household is not None


def test_outside_neighbourhoods_is_refused_and_nothing_is_written(
    scope, other_neighbourhood, amb_client
):
    with pytest.raises(ValidationError) as error:
        log(scope, other_neighbourhood)
    assert error.value.code == "outside_neighbourhoods"
    response = amb_client.post(
        reverse("ambassadors:visit_new"),
        {
            "neighbourhood": other_neighbourhood.pk,
            "street": "Rue Haute",
            "house_number": "1",
            "outcome": VisitOutcome.ABSENT,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce quartier n&#x27;est pas l&#x27;un des vôtres" in html
    assert 'role="alert"' in html
    assert Visit.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_pre_registration_outside_neighbourhoods_writes_nothing(
    scope, other_neighbourhood, amb_client
):
    response = amb_client.post(
        reverse("ambassadors:pre_register"),
        {
            "neighbourhood": other_neighbourhood.pk,
            "domains": ["energy"],
            "consent_text": current_consent_text().pk,
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert "n&#x27;est pas l&#x27;un des vôtres" in response.content.decode()
    assert Household.objects.count() == 0
    assert ConsentRecord.objects.count() == 0
    assert Invitation.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_an_ambassador_without_a_page_can_do_nothing(
    town, make_ambassador, neighbourhood
):
    user = make_ambassador(name="Sans")  # a page with no neighbourhood
    scope = queries.access_ambassador_scope(user, town)
    with pytest.raises(ValidationError):
        log(scope, neighbourhood)
    assert Visit.objects.count() == 0


def test_interested_needs_a_call_back_date(scope, neighbourhood, amb_client):
    with pytest.raises(ValidationError) as error:
        log(scope, neighbourhood, outcome=VisitOutcome.INTERESTED)
    assert error.value.code == "no_call_back"
    response = amb_client.post(
        reverse("ambassadors:visit_new"),
        {
            "neighbourhood": neighbourhood.pk,
            "street": "Rue Basse",
            "house_number": "2",
            "outcome": VisitOutcome.INTERESTED,
        },
    )
    assert "Indiquez quand rappeler" in response.content.decode()
    assert Visit.objects.count() == 0


def test_consent_text_changed_meanwhile_is_refused(scope, neighbourhood, amb_client):
    from community.models import ConsentKind, ConsentText

    shown = current_consent_text()
    ConsentText.objects.create(kind=ConsentKind.PARTICIPATION, version=2, text="v2")
    response = amb_client.post(
        reverse("ambassadors:pre_register"),
        {
            "neighbourhood": neighbourhood.pk,
            "domains": ["energy"],
            "consent_text": shown.pk,
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert "Le texte de consentement a changé" in response.content.decode()
    assert Household.objects.count() == 0


def test_consent_is_required(scope, neighbourhood, amb_client):
    response = amb_client.post(
        reverse("ambassadors:pre_register"),
        {
            "neighbourhood": neighbourhood.pk,
            "domains": ["energy"],
            "consent_text": current_consent_text().pk,
        },
    )
    assert response.status_code == 200
    assert "Sans l&#x27;accord du résident" in response.content.decode()
    assert Household.objects.count() == 0


def test_call_backs_list_and_reminders(scope, neighbourhood, ambassador, amb_client):
    today = timezone.localdate()
    due = log(
        scope,
        neighbourhood,
        street="Rue A",
        house_number="1",
        outcome=VisitOutcome.INTERESTED,
        call_back_on=today,
        visited_on=today - timedelta(days=2),
    ).visit
    later = log(
        scope,
        neighbourhood,
        street="Rue B",
        house_number="2",
        outcome=VisitOutcome.INTERESTED,
        call_back_on=today + timedelta(days=5),
    ).visit
    # Called back already: a later visit to the door closes the call-back.
    log(
        scope,
        neighbourhood,
        street="Rue C",
        house_number="3",
        outcome=VisitOutcome.INTERESTED,
        call_back_on=today,
        visited_on=today - timedelta(days=3),
    )
    log(scope, neighbourhood, street="Rue C", house_number="3")

    pending = list(queries.pending_call_backs(scope))
    assert pending == [due, later]
    html = amb_client.get(reverse("ambassadors:call_backs")).content.decode()
    assert "1 Rue A" in html and "2 Rue B" in html and "3 Rue C" not in html

    assert actions.do_send_call_back_reminders(today) == 1
    note = Notification.objects.get(recipient=ambassador)
    assert "rappel" in note.verb
    assert note.data["url"] == reverse("ambassadors:visit", args=[due.pk])
    assert "Rue A" not in note.verb + (note.description or "")
    # Once per visit.
    assert actions.do_send_call_back_reminders(today) == 0


def test_a_visit_is_pre_registered_once(scope, neighbourhood, amb_client):
    visit = log(scope, neighbourhood, outcome=VisitOutcome.SIGNED_UP).visit
    data = {
        "visite": visit.pk,
        "neighbourhood": neighbourhood.pk,
        "domains": ["energy"],
        "consent_text": current_consent_text().pk,
        "consent": "on",
    }
    assert amb_client.post(reverse("ambassadors:pre_register"), data).status_code == 302
    again = amb_client.post(reverse("ambassadors:pre_register"), data)
    assert again.status_code == 200
    assert "déjà pré-inscrit" in again.content.decode()
    assert Household.objects.count() == 1

"""Addresses are erased a setting's number of days after a decision."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from ambassadors import actions, queries
from ambassadors.models import Onboarding, Visit, VisitOutcome
from community.privacy import current_consent_text


@pytest.fixture
def scope(town, ambassador):
    return queries.access_ambassador_scope(ambassador, town)


def visit(scope, neighbourhood, street, outcome, days_ago, **extra):
    logged = actions.check_log_visit(
        scope,
        neighbourhood=neighbourhood,
        street=street,
        house_number="1",
        outcome=outcome,
        visited_on=timezone.localdate() - timedelta(days=days_ago),
        **extra,
    )
    Visit.objects.filter(pk=logged.visit.pk).update(
        decided_at=(
            timezone.now() - timedelta(days=days_ago)
            if outcome in (VisitOutcome.NOT_INTERESTED, VisitOutcome.SIGNED_UP)
            else None
        )
    )
    return logged.visit


def test_purge_erases_decided_doors_past_retention_only(scope, neighbourhood):
    old_refusal = visit(
        scope, neighbourhood, "Rue Vieille", VisitOutcome.NOT_INTERESTED, 91
    )
    old_absent_same_door = visit(
        scope, neighbourhood, "Rue Vieille", VisitOutcome.ABSENT, 95
    )
    recent_refusal = visit(
        scope, neighbourhood, "Rue Récente", VisitOutcome.NOT_INTERESTED, 10
    )
    forgotten = visit(scope, neighbourhood, "Rue Oubliée", VisitOutcome.ABSENT, 120)
    waiting = visit(
        scope,
        neighbourhood,
        "Rue Patiente",
        VisitOutcome.INTERESTED,
        5,
        call_back_on=timezone.localdate() + timedelta(days=1),
    )

    call_command("purge_visit_addresses", stdout=open("/dev/null", "w"))

    for erased in (old_refusal, old_absent_same_door, forgotten):
        erased.refresh_from_db()
        assert erased.address_erased_at is not None
        assert (erased.street, erased.house_number, erased.address_key) == ("", "", "")
        # The outcome stays for the coverage figures.
        assert erased.outcome
    for kept in (recent_refusal, waiting):
        kept.refresh_from_db()
        assert kept.address_erased_at is None and kept.street


@override_settings(
    SMARTCITIZEN={
        **__import__("django.conf").conf.settings.SMARTCITIZEN,
        "VISIT_ADDRESS_RETENTION_DAYS": 5,
    }
)
def test_retention_is_a_setting(scope, neighbourhood):
    refusal = visit(scope, neighbourhood, "Rue Courte", VisitOutcome.NOT_INTERESTED, 6)
    assert actions.do_purge_visit_addresses() == 1
    refusal.refresh_from_db()
    assert refusal.street == ""


def test_sign_up_starts_the_clock_and_contact_goes_too(scope, neighbourhood):
    door = visit(scope, neighbourhood, "Rue du Foyer", VisitOutcome.SIGNED_UP, 0)
    onboarding, _ = actions.check_pre_register(
        scope,
        neighbourhood=neighbourhood,
        domains=["energy"],
        consent_text_id=current_consent_text().pk,
        contact="foyer@example.org",
        visit=door,
    )
    assert actions.do_purge_visit_addresses() == 0
    later = timezone.now() + timedelta(days=91)
    assert actions.do_purge_visit_addresses(now=later) == 1
    door.refresh_from_db()
    onboarding.refresh_from_db()
    assert door.street == "" and door.household_id == onboarding.household_id
    assert onboarding.contact == ""
    assert Onboarding.objects.filter(household=onboarding.household).exists()


def test_erased_visits_still_count_on_the_dashboard(scope, neighbourhood, amb_client):
    from django.urls import reverse

    visit(scope, neighbourhood, "Rue Vieille", VisitOutcome.NOT_INTERESTED, 100)
    visit(scope, neighbourhood, "Rue Neuve", VisitOutcome.ABSENT, 0)
    actions.do_purge_visit_addresses()
    rows = amb_client.get(reverse("ambassadors:dashboard")).context["rows"]
    assert rows[0].visited == 2
    listing = amb_client.get(reverse("ambassadors:visits")).content.decode()
    assert "Rue Vieille" not in listing and "Adresse effacée" in listing

"""Follow-up of households: assisted actions through scoring, contest, leaving,
quiet households."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from ambassadors import actions, queries
from ambassadors.models import AssistedAction, AuditEntry, AuditKind
from community.models import ConsentRecord, HouseholdStatus
from community.privacy import current_consent_text
from scoring import client as scoring
from scoring.actions import ensure_action_type
from tests.ambassadors.conftest import logged_in
from tests.factories import make_member


@pytest.fixture
def scope(town, ambassador):
    return queries.access_ambassador_scope(ambassador, town)


@pytest.fixture
def onboarding(scope, neighbourhood):
    onboarding, _ = actions.check_pre_register(
        scope,
        neighbourhood=neighbourhood,
        domains=["water"],
        consent_text_id=current_consent_text().pk,
    )
    return onboarding


def log_for(amb_client, onboarding, action_type, key="cle-1", day=None):
    return amb_client.post(
        reverse("ambassadors:household", args=[onboarding.household.public_id]),
        {
            "action_type": action_type.pk,
            "occurred_on": (day or timezone.localdate()).isoformat(),
            "idempotency_key": key,
        },
    )


def test_an_assisted_action_scores_once_is_marked_and_audited(
    amb_client, onboarding, action_type
):
    household = onboarding.household
    response = log_for(amb_client, onboarding, action_type)
    assert response.status_code == 302
    # The same form sent twice (a retry on a slow connection) counts once.
    log_for(amb_client, onboarding, action_type)
    assisted = AssistedAction.objects.get()
    assert assisted.points_awarded == action_type.points("declared")
    assert scoring.get_points(household)["total"] == assisted.points_awarded
    assert (
        AuditEntry.objects.filter(
            kind=AuditKind.ACTION_LOGGED, household=household
        ).count()
        == 1
    )
    page = amb_client.get(response.url).content.decode()
    assert "saisi par l&#x27;ambassadeur" in page


def test_scoring_refusal_is_a_form_error_and_writes_nothing(
    amb_client, onboarding, action_type
):
    response = log_for(
        amb_client,
        onboarding,
        action_type,
        day=timezone.localdate() - timedelta(days=60),
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert AssistedAction.objects.count() == 0
    assert scoring.get_points(onboarding.household)["total"] == 0


def test_the_household_sees_and_contests_an_assisted_action(
    town, amb_client, onboarding, action_type, ambassador
):
    log_for(amb_client, onboarding, action_type)
    member = make_member(town, household=onboarding.household)
    client = logged_in(member.user)
    page = client.get(reverse("ambassadors:resident")).content.decode()
    assert action_type.label in page
    assert "saisi par l&#x27;ambassadeur" in page
    assisted = AssistedAction.objects.get()
    response = client.post(
        reverse("ambassadors:resident_contest", args=[assisted.pk]),
        {"reason": "Nous n'avons pas fait cela."},
    )
    assert response.status_code == 302
    assisted.refresh_from_db()
    assert assisted.contested_at is not None
    assert AuditEntry.objects.filter(
        kind=AuditKind.ACTION_CONTESTED, actor=member.user
    ).exists()
    assert Notification.objects.filter(recipient=ambassador).exists()
    # Another household cannot contest it.
    stranger = make_member(town, neighbourhood=onboarding.household.neighbourhood)
    response = logged_in(stranger.user).post(
        reverse("ambassadors:resident_contest", args=[assisted.pk]), {"reason": "x"}
    )
    assert response.status_code == 404


def test_withdrawing_consent_and_leaving_ends_the_ambassador_view(
    town, amb_client, onboarding
):
    public_id = onboarding.household.public_id
    detail = reverse("ambassadors:household", args=[public_id])
    assert amb_client.get(detail).status_code == 200
    member = make_member(town, household=onboarding.household)
    client = logged_in(member.user)
    refused = client.post(reverse("ambassadors:resident_leave"), {})
    assert refused.status_code == 302
    assert ConsentRecord.objects.filter(withdrawn_at__isnull=True).count() == 1

    client.post(reverse("ambassadors:resident_leave"), {"confirm": "on"})
    onboarding.household.refresh_from_db()
    assert onboarding.household.status == HouseholdStatus.LEFT
    assert ConsentRecord.objects.filter(withdrawn_at__isnull=True).count() == 0
    assert amb_client.get(detail).status_code == 404
    assert (
        amb_client.get(reverse("ambassadors:card", args=[public_id])).status_code == 404
    )
    listing = amb_client.get(reverse("ambassadors:households")).content.decode()
    assert public_id not in listing


def test_quiet_households_are_signalled_once_per_period(
    town, scope, onboarding, ambassador
):
    member = make_member(town, household=onboarding.household)
    household = onboarding.household
    long_ago = timezone.now() - timedelta(days=45)
    type(household).objects.filter(pk=household.pk).update(joined_at=long_ago)
    type(member.user).objects.filter(pk=member.user_id).update(last_login=long_ago)
    assert actions.do_send_quiet_notices() == 1
    note = Notification.objects.get(recipient=ambassador)
    assert "30 jours" in note.verb
    assert note.data["url"] == reverse(
        "ambassadors:household", args=[household.public_id]
    )
    assert actions.do_send_quiet_notices() == 0

    # An active household is not quiet.
    type(member.user).objects.filter(pk=member.user_id).update(
        last_login=timezone.now()
    )
    assert actions.quiet_households(timezone.now() + timedelta(days=40)).count() == 1
    assert actions.quiet_households().count() == 0


def test_household_list_shows_activity_not_private_data(town, amb_client, onboarding):
    make_member(town, household=onboarding.household, display_name="Jeanne Secret")
    html = amb_client.get(reverse("ambassadors:households")).content.decode()
    assert onboarding.household.public_id in html
    assert "Jeanne Secret" not in html
    assert "Actif cette semaine" in html


def test_the_daily_reminder_command_reports_what_it_sent(town, onboarding):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("send_ambassador_reminders", stdout=out)
    assert out.getvalue().strip() == "0 rappel(s), 0 foyer(s) calme(s) signalé(s)."


def test_a_fixed_point_action_is_not_offered_to_ambassadors(amb_client, onboarding):
    unit = ensure_action_type(
        "defi-flash-water", label="Défi flash (eau)", domain="water", fixed_points=1
    )
    page = amb_client.get(
        reverse("ambassadors:household", args=[onboarding.household.public_id])
    ).content.decode()
    assert "Défi flash" not in page
    response = log_for(amb_client, onboarding, unit)
    assert response.status_code == 200
    assert AssistedAction.objects.count() == 0

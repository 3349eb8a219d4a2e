"""A resident and a flash challenge, through HTTP: opt in, join, log actions in
the alert hours only, and see how their household is scored."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.models import LoggedAction
from gridalerts.models import GridAlertOptIn
from scoring import client as scoring
from tests.gridalerts.conftest import move_to, start_flash

pytestmark = pytest.mark.django_db


def test_a_member_opts_in_and_out_without_javascript(client, member):
    client.force_login(member.user)
    url = reverse("gridalerts:opt_in")
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="wanted"' in page.content.decode()
    assert client.post(url, {"wanted": "on"}).status_code == 302
    assert GridAlertOptIn.objects.filter(member=member).exists()
    assert "checked" in client.get(url).content.decode()
    client.post(url, {})
    assert not GridAlertOptIn.objects.filter(member=member).exists()


def test_opt_in_needs_a_member(client):
    answer = client.get(reverse("gridalerts:opt_in"))
    assert answer.status_code == 302
    assert reverse("login") in answer["Location"]


def test_join_then_log_inside_the_hours_and_be_refused_outside(
    client, member, moderator, town, challenge_index, energy_action, today
):
    flash = start_flash(moderator, town, today, [8, 9])
    client.force_login(member.user)
    page = client.get(flash.url).content.decode()
    assert "Défi flash : alerte rouge" in page
    assert "8 h – 10 h" in page
    # No load curve in the core: declared actions.
    assert "points des actions déclarées" in page
    assert client.post(flash.url + "participer/").status_code == 302

    yesterday = today - timedelta(days=1)
    flash = move_to(flash, yesterday)
    form = client.get(flash.url + "j-ai-agi/")
    assert 'name="occurred_hour"' in form.content.decode()
    data = {
        "action_type": energy_action.pk,
        "occurred_on": yesterday.isoformat(),
        "idempotency_key": form.context["form"]["idempotency_key"].value(),
    }
    refused = client.post(flash.url + "j-ai-agi/", {**data, "occurred_hour": 12})
    assert refused.status_code == 200
    assert "occurred_hour" in refused.context["form"].errors
    assert not LoggedAction.objects.exists()

    ok = client.post(flash.url + "j-ai-agi/", {**data, "occurred_hour": 9})
    assert ok.status_code == 302
    action = LoggedAction.objects.get()
    assert timezone.localtime(action.occurred_at).hour == 9
    assert action.points_awarded == energy_action.points()


def test_the_action_refuses_a_time_outside_the_alert_hours(
    member, moderator, town, challenge_index, energy_action, today
):
    from django.core.exceptions import ValidationError

    from challenges.actions import check_join, check_log_action

    yesterday = today - timedelta(days=1)
    challenge = start_flash(moderator, town, today, [8, 9])
    check_join(member, challenge)
    challenge = move_to(challenge, yesterday)
    outside = timezone.make_aware(datetime.combine(yesterday, time(12)))
    with pytest.raises(ValidationError) as raised:
        check_log_action(
            member,
            challenge,
            action_type=energy_action,
            occurred_at=outside,
            idempotency_key=scoring.new_idempotency_key(),
        )
    assert "pendant l'alerte (8 h – 10 h)" in str(raised.value)
    result = check_log_action(
        member,
        challenge,
        action_type=energy_action,
        occurred_at=outside - timedelta(hours=3),
        idempotency_key=scoring.new_idempotency_key(),
    )
    assert result.action.points_awarded == energy_action.points()


def test_the_members_data_export_holds_the_opt_in_and_flash_results(
    member, moderator, town, challenge_index, today
):
    from decimal import Decimal

    from challenges.actions import HouseholdOutcome, do_record_flash_result
    from common import kinds
    from common.archive import Archive
    from gridalerts.actions import do_set_opt_in

    do_set_opt_in(member, True)
    flash = start_flash(moderator, town, today, [18])
    do_record_flash_result(
        flash,
        HouseholdOutcome(
            household_id=member.household_id,
            neighbourhood_id=member.household.neighbourhood_id,
            measured=True,
            baseline_kwh=Decimal("2"),
            actual_kwh=Decimal("1.5"),
            saved_kwh=Decimal("0.5"),
            points=30,
        ),
    )
    archive = Archive()
    for exporter in kinds.exporters():
        exporter(member, archive)
    alerts = archive.documents["notifications.json"]["alertes_reseau"]
    assert alerts["prevenu"] is True and alerts["depuis"]
    (result,) = archive.documents["actions.json"]["defis_flash"]
    assert result["challenge_id"] == flash.pk
    assert result["saved_kwh"] == "0.500" and result["points"] == 30

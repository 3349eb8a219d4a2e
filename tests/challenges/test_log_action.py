""" "J'ai agi": idempotency, the 7-day limit, photos, confirmation, the core down."""

import io
import socket
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from notifications.models import Notification
from PIL import Image

from challenges import actions
from challenges.models import ActionStatus, Badge, BadgeKind, LoggedAction
from realtime.groups import leaderboard_stream
from realtime.models import Event
from scoring import client as scoring
from scoring.models import LedgerEntry
from tests.challenges.conftest import log, make_action_type, make_challenge

pytestmark = pytest.mark.django_db


def form_data(challenge, action_type, key: str, day=None) -> dict:
    return {
        "action_type": action_type.pk,
        "occurred_on": (day or timezone.localdate()).isoformat(),
        "idempotency_key": key,
    }


def jpeg_with_exif() -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("IMG_anne_martin.jpg", out.getvalue(), "image/jpeg")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_form_carries_one_key_and_a_double_submit_awards_once(
    client, participant, challenge, action_type
):
    client.force_login(participant.user)
    shown = client.get(challenge.url + "j-ai-agi/")
    assert shown.status_code == 200
    key = shown.context["form"].initial["idempotency_key"]
    assert f'value="{key}"' in shown.content.decode()
    # The date input is prefilled in ISO, which type=date requires.
    today = timezone.localdate().isoformat()
    assert f'type="date" name="occurred_on" value="{today}"' in shown.content.decode()

    data = form_data(challenge, action_type, key)
    first = client.post(challenge.url + "j-ai-agi/", data)
    second = client.post(challenge.url + "j-ai-agi/", data)
    assert first.status_code == second.status_code == 302

    assert LoggedAction.objects.filter(challenge=challenge).count() == 1
    entries = LedgerEntry.objects.filter(household=participant.household)
    assert entries.count() == 1
    assert scoring.get_points(participant.household)["total"] == action_type.points()


def test_the_same_key_sent_again_after_a_lost_answer_is_stored_once(
    participant, challenge, action_type
):
    # The core already has the key (the first answer was lost on the way back).
    key = scoring.new_idempotency_key()
    when = timezone.now()
    scoring.log_action(
        participant.household,
        action=action_type.code,
        domain=action_type.domain,
        occurred_at=when,
        idempotency_key=key,
    )
    result = log(
        participant, challenge, action_type, idempotency_key=key, occurred_at=when
    )
    assert result.action.points_awarded == action_type.points()
    assert LedgerEntry.objects.filter(household=participant.household).count() == 1
    assert scoring.get_points(participant.household)["total"] == action_type.points()


def test_actions_may_be_logged_up_to_seven_days_late(
    participant, challenge, action_type
):
    six_days = timezone.now() - timedelta(days=6, hours=23)
    assert not log(participant, challenge, action_type, occurred_at=six_days).replayed
    eight_days = timezone.now() - timedelta(days=8)
    with pytest.raises(ValidationError) as refused:
        log(participant, challenge, action_type, occurred_at=eight_days)
    assert "7 jours" in str(refused.value.message_dict["occurred_at"])
    assert LoggedAction.objects.count() == 1
    assert LedgerEntry.objects.count() == 1


def test_the_delay_comes_from_the_setting(
    settings, participant, challenge, action_type
):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "ACTION_MAX_DELAY_DAYS": 2}
    with pytest.raises(ValidationError):
        log(
            participant,
            challenge,
            action_type,
            occurred_at=timezone.now() - timedelta(days=3),
        )
    assert not LoggedAction.objects.exists()


def test_a_late_day_in_the_form_is_refused_with_a_message(
    client, participant, challenge, action_type
):
    client.force_login(participant.user)
    day = timezone.localdate() - timedelta(days=9)
    answer = client.post(
        challenge.url + "j-ai-agi/", form_data(challenge, action_type, "k-late", day)
    )
    assert answer.status_code == 200
    assert "7 jours" in answer.content.decode()
    assert not LoggedAction.objects.exists()


def test_the_form_accepts_a_day_seven_days_back_at_any_hour(
    client, participant, challenge, action_type
):
    client.force_login(participant.user)
    seven = timezone.localdate() - timedelta(days=7)
    eight = timezone.localdate() - timedelta(days=8)
    ok = client.post(
        challenge.url + "j-ai-agi/", form_data(challenge, action_type, "k-7", seven)
    )
    late = client.post(
        challenge.url + "j-ai-agi/", form_data(challenge, action_type, "k-8", eight)
    )
    assert ok.status_code == 302
    assert late.status_code == 200
    assert list(LoggedAction.objects.values_list("idempotency_key", flat=True)) == [
        "k-7"
    ]


def test_future_actions_and_actions_outside_the_period_are_refused(
    participant, challenge_index, challenge, action_type, member
):
    with pytest.raises(ValidationError):
        log(
            participant,
            challenge,
            action_type,
            occurred_at=timezone.now() + timedelta(days=1),
        )
    started_today = make_challenge(challenge_index, [action_type], start_in_days=0)
    actions.check_join(member, started_today)
    with pytest.raises(ValidationError) as refused:
        log(
            member,
            started_today,
            action_type,
            occurred_at=timezone.now() - timedelta(days=2),
        )
    assert "période" in str(refused.value.message_dict["occurred_at"])
    assert not LedgerEntry.objects.exists()


def test_an_action_outside_the_challenge_list_is_refused(participant, challenge):
    other = make_action_type()
    with pytest.raises(ValidationError):
        log(participant, challenge, other)
    assert not LedgerEntry.objects.exists()


def test_a_household_that_did_not_join_cannot_log(member, challenge, action_type):
    with pytest.raises(PermissionDenied):
        log(member, challenge, action_type)


def test_the_form_page_is_refused_to_non_participants(client, member, challenge):
    client.force_login(member.user)
    assert client.get(challenge.url + "j-ai-agi/").status_code == 403


def test_a_photo_raises_the_proof_and_loses_its_exif(
    client, participant, challenge, action_type
):
    client.force_login(participant.user)
    data = {**form_data(challenge, action_type, "k-photo"), "photo": jpeg_with_exif()}
    assert client.post(challenge.url + "j-ai-agi/", data).status_code == 302
    logged = LoggedAction.objects.get()
    assert logged.proof == "photo"
    assert logged.points_awarded == action_type.points("photo")
    assert "anne" not in logged.photo.name
    with Image.open(logged.photo.open()) as stored:
        assert not stored.getexif()


def test_a_file_that_is_not_a_picture_changes_nothing(
    client, participant, challenge, action_type
):
    client.force_login(participant.user)
    fake = SimpleUploadedFile("photo.jpg", b"not a picture", "image/jpeg")
    data = {**form_data(challenge, action_type, "k-bad"), "photo": fake}
    answer = client.post(challenge.url + "j-ai-agi/", data)
    assert answer.status_code == 200
    assert "image lisible" in answer.content.decode()
    assert not LoggedAction.objects.exists()
    assert not LedgerEntry.objects.exists()


def closed_core():
    url = f"http://127.0.0.1:{free_port()}/api/scoring/v1/"
    return override_settings(SCORING_CORE_URL=url, SCORING_CORE_TOKEN="t" * 32)


def test_with_the_core_down_the_action_is_stored_pending_and_shown_en_attente(
    client, participant, challenge, action_type
):
    client.force_login(participant.user)
    day = timezone.localdate() - timedelta(days=1)
    data = form_data(challenge, action_type, "k-down-1", day)
    with closed_core():
        answer = client.post(challenge.url + "j-ai-agi/", data, follow=True)
        again = client.post(challenge.url + "j-ai-agi/", data, follow=True)
        board = client.get(challenge.url + "classement/")
        dashboard = client.get("/foyer/tableau-de-bord/")
    body = answer.content.decode()
    assert answer.redirect_chain[-1] == (challenge.url, 302)
    assert "Action enregistrée : elle sera comptée dès que le service des points" in (
        body
    )
    # The action's own mark (every page also carries the offline outbox's
    # « Envois en attente » label, for app.js).
    assert 'class="action-pending"' in body
    logged = LoggedAction.objects.get()
    assert logged.status == ActionStatus.PENDING
    assert logged.idempotency_key == "k-down-1"
    assert logged.points_awarded == 0
    # The same form again: still one row, still the pending message.
    assert "sera comptée" in again.content.decode()
    assert LoggedAction.objects.count() == 1
    assert not LedgerEntry.objects.exists()
    assert not Badge.objects.exists()
    assert "Données indisponibles" in board.content.decode()
    assert 'class="action-pending"' in dashboard.content.decode()


def test_pending_actions_are_sent_once_oldest_first_when_the_core_answers(
    participant, challenge, action_type
):
    with closed_core():
        first = log(participant, challenge, action_type, idempotency_key="k-1")
        second = log(participant, challenge, action_type, idempotency_key="k-2")
        report = actions.do_send_pending_actions()
    assert first.pending and second.pending
    assert report.unavailable and report.sent == 0
    assert not LedgerEntry.objects.exists()

    stream = leaderboard_stream(challenge.pk)
    before = Event.objects.filter(stream=stream).count()
    report = actions.do_send_pending_actions()
    assert (report.sent, report.refused, report.unavailable) == (2, 0, False)
    rows = list(LoggedAction.objects.order_by("created_at", "pk"))
    assert [row.status for row in rows] == [ActionStatus.COUNTED] * 2
    assert [row.points_awarded for row in rows] == [action_type.points()] * 2
    assert LedgerEntry.objects.filter(household=participant.household).count() == 2
    assert Badge.objects.filter(kind=BadgeKind.FIRST_ACTION).count() == 1
    # One live board for the challenge, after the batch.
    assert Event.objects.filter(stream=stream).count() == before + 1
    total = scoring.get_points(participant.household)["total"]
    assert total == 2 * action_type.points()

    # Sending again changes nothing: nothing is pending, the core has the keys.
    assert actions.do_send_pending_actions().sent == 0
    assert LedgerEntry.objects.count() == 2


def test_a_pending_action_already_known_to_the_core_is_not_awarded_twice(
    participant, challenge, action_type
):
    with closed_core():
        pending = log(participant, challenge, action_type).action
    # The core got the first send after all (its answer was lost on the way).
    scoring.log_action(
        participant.household,
        action=action_type.code,
        domain=action_type.domain,
        occurred_at=pending.occurred_at,
        idempotency_key=pending.idempotency_key,
    )
    assert actions.do_send_pending_actions().sent == 1
    pending.refresh_from_db()
    assert pending.points_awarded == action_type.points()
    assert LedgerEntry.objects.count() == 1


def test_the_next_action_sends_the_pending_ones(participant, challenge, action_type):
    with closed_core():
        log(participant, challenge, action_type)
    log(participant, challenge, action_type)
    assert not LoggedAction.objects.filter(status=ActionStatus.PENDING).exists()
    assert LedgerEntry.objects.count() == 2


def test_the_dashboard_sends_the_households_pending_actions(
    client, participant, challenge, action_type
):
    with closed_core():
        log(participant, challenge, action_type)
    client.force_login(participant.user)
    page = client.get("/foyer/tableau-de-bord/").content.decode()
    assert 'class="action-pending"' not in page
    assert LoggedAction.objects.get().status == ActionStatus.COUNTED
    assert LedgerEntry.objects.count() == 1


def test_a_pending_action_the_core_refuses_later_is_marked_non_comptee(
    client, participant, challenge, action_type
):
    with closed_core():
        log(participant, challenge, action_type)
    action_type.active = False  # no longer in the catalogue when it is sent
    action_type.save(update_fields=["active"])
    report = actions.do_send_pending_actions()
    assert (report.sent, report.refused) == (0, 1)
    logged = LoggedAction.objects.get()
    assert logged.status == ActionStatus.REFUSED
    assert logged.refusal
    client.force_login(participant.user)
    assert "non comptée" in client.get(challenge.url).content.decode()


def test_the_command_sends_pending_actions(participant, challenge, action_type):
    with closed_core():
        log(participant, challenge, action_type)
        out = io.StringIO()
        call_command("send_pending_actions", stdout=out)
        assert "restent en attente" in out.getvalue()
    out = io.StringIO()
    call_command("send_pending_actions", stdout=out)
    assert "1 action(s) comptée(s), 0 refusée(s)" in out.getvalue()
    assert LoggedAction.objects.get().status == ActionStatus.COUNTED


def test_pending_actions_are_not_offered_for_confirmation(
    client, participant, challenge, action_type, ambassador
):
    with closed_core():
        pending = log(participant, challenge, action_type).action
    client.force_login(ambassador)
    assert client.post(challenge.url + f"a-confirmer/{pending.pk}/").status_code == 404


def test_an_ambassador_confirms_an_action_and_raises_its_points(
    client, participant, challenge, action_type, ambassador
):
    logged = log(participant, challenge, action_type).action
    before = scoring.get_points(participant.household)["total"]
    client.force_login(ambassador)
    listing = client.get(challenge.url + "a-confirmer/")
    assert listing.status_code == 200
    assert action_type.label in listing.content.decode()

    answer = client.post(challenge.url + f"a-confirmer/{logged.pk}/")
    assert answer.status_code == 302
    logged.refresh_from_db()
    assert logged.proof == "confirmed"
    assert logged.confirmed_by.user == ambassador
    assert logged.points_awarded == action_type.points("confirmed")
    after = scoring.get_points(participant.household)["total"]
    assert after - before == action_type.points("confirmed") - action_type.points()

    # Confirming again is refused (gone from the list): nothing more awarded.
    assert client.post(challenge.url + f"a-confirmer/{logged.pk}/").status_code == 404
    assert scoring.get_points(participant.household)["total"] == after


def test_residents_cannot_confirm(client, participant, challenge, action_type):
    logged = log(participant, challenge, action_type).action
    client.force_login(participant.user)
    assert client.get(challenge.url + "a-confirmer/").status_code == 403
    assert client.post(challenge.url + f"a-confirmer/{logged.pk}/").status_code == 404
    logged.refresh_from_db()
    assert logged.confirmed_at is None


def test_badges_at_milestones_are_notified_once(participant, challenge, action_type):
    # The challenge's goal is 3 actions.
    for _ in range(5):
        log(participant, challenge, action_type)
    kinds = list(
        Badge.objects.filter(household=participant.household).values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == sorted(
        [BadgeKind.FIRST_ACTION, BadgeKind.GOAL_REACHED, BadgeKind.FIVE_ACTIONS]
    )
    assert (
        Notification.objects.filter(
            recipient=participant.user, verb="challenge_badge"
        ).count()
        == 3
    )


def test_each_logged_action_publishes_the_leaderboard(
    participant, challenge, action_type
):
    stream = leaderboard_stream(challenge.pk)
    before = Event.objects.filter(stream=stream).count()
    log(participant, challenge, action_type)
    event = Event.objects.filter(stream=stream).latest("id")
    assert Event.objects.filter(stream=stream).count() == before + 1
    assert event.event == "leaderboard.updated"
    assert f'id="leaderboard-{challenge.pk}"' in event.data["html"]
    assert participant.household.public_id in event.data["html"]

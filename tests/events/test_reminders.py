"""`manage.py send_event_reminders`: tomorrow's events, once per registration."""

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from notifications.models import Notification

from events.actions import check_register
from events.models import Registration
from tests.events.helpers import make_event
from tests.factories import make_member


def test_reminders_go_once_to_registered_households(
    event_index, town, neighbourhood, member
):
    soon = timezone.localtime() + timedelta(days=1)
    tomorrow = make_event(event_index, "Marché", start=soon, capacity=1)
    later = make_event(event_index, "Visite", start=soon + timedelta(days=3))
    # Later today: not « demain », no reminder (the household just registered).
    tonight = timezone.localtime().replace(hour=23, minute=59, second=59, microsecond=0)
    today = make_event(event_index, "Atelier du jour", start=tonight)
    housemate = make_member(town, household=member.household)
    housemate.preferred_language = "en"
    housemate.save(update_fields=["preferred_language"])
    waiting = make_member(town, neighbourhood=neighbourhood)
    check_register(member, tomorrow, 1)
    check_register(waiting, tomorrow, 1)  # full: the waiting list, no reminder
    check_register(member, later, 1)
    check_register(member, today, 1)

    out = StringIO()
    call_command("send_event_reminders", stdout=out)
    assert "1 rappel(s)" in out.getvalue()
    recipients = set(
        Notification.objects.filter(verb="event").values_list("recipient_id", flat=True)
    )
    assert recipients == {member.user_id, housemate.user_id}
    assert (
        "Rappel : « Marché » commence demain"
        in (Notification.objects.filter(verb="event").first().data["excerpt"])
    )
    # One e-mail per language: French for the member, English for the housemate.
    english, message = sorted(
        mail.outbox, key=lambda sent: sent.to[0] != housemate.user.email
    )
    assert message.to == [member.user.email] and english.to == [housemate.user.email]
    assert message.subject == "Rappel : Marché, demain"
    assert english.subject == "Reminder: Marché, tomorrow"
    assert "Votre foyer est inscrit" in message.body
    assert "Votre foyer" not in english.body
    assert f"http://localhost{tomorrow.url}" in message.body or tomorrow.url in (
        message.body
    )
    assert Registration.objects.get(
        event=tomorrow, household=member.household
    ).reminder_sent_at

    call_command("send_event_reminders", stdout=StringIO())
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(verb="event").count() == 2

"""Badges are notified to every member of the household: centre and live badge."""

import pytest
from django.urls import reverse
from notifications.models import Notification

from challenges.models import BadgeKind
from realtime.groups import user_stream
from realtime.models import Event
from tests.challenges.conftest import log
from tests.factories import make_member, make_town

pytestmark = pytest.mark.django_db


def test_a_new_badge_notifies_each_member_of_the_household_live(
    client, town, participant, challenge, action_type
):
    partner = make_member(town, household=participant.household)
    users = [participant.user, partner.user]
    before = {
        u.pk: Event.objects.filter(stream=user_stream(u.pk)).count() for u in users
    }

    result = log(participant, challenge, action_type)

    assert [badge.kind for badge in result.badges] == [BadgeKind.FIRST_ACTION]
    for user in users:
        notes = Notification.objects.filter(recipient=user, verb="challenge_badge")
        assert notes.count() == 1
        note = notes.get()
        assert note.unread
        assert note.data["kind"] == "challenge_badge"
        assert note.data["badge"] == BadgeKind.FIRST_ACTION
        assert note.data["url"] == challenge.url
        assert note.data["actor_name"] == participant.display_name
        assert note.target_object_id == str(challenge.pk)
        # The live unread badge of the member's private stream.
        events = Event.objects.filter(stream=user_stream(user.pk)).order_by("id")
        assert events.count() == before[user.pk] + 1
        event = events.last()
        assert event.event == "notifications.unread"
        assert event.data["unread"] == 1
        assert 'id="notification-badge"' in event.data["html"]

    # The notification centre says what happened and links to the challenge.
    client.force_login(partner.user)
    page = client.get(reverse("feeds:notifications")).content.decode()
    assert "nouveau badge pour votre foyer" in page
    assert challenge.title in page
    assert f'value="{challenge.url}"' in page


def test_a_badge_links_a_path_of_the_town_when_there_are_two_towns(
    participant, challenge, action_type
):
    """With two sites `challenge.url` is a full address; the notification and
    its push keep the path, which a push's click opens (push.payloads)."""
    make_town("Ailleurs", hostname="ailleurs.example")
    challenge.refresh_from_db()
    assert challenge.url.startswith("http")

    log(participant, challenge, action_type)

    note = Notification.objects.get(recipient=participant.user, verb="challenge_badge")
    assert note.data["url"].startswith("/")
    assert challenge.url.endswith(note.data["url"])


def test_no_notification_without_a_new_badge(participant, challenge, action_type):
    log(participant, challenge, action_type)  # first action: one badge
    stream = user_stream(participant.user.pk)
    events = Event.objects.filter(stream=stream).count()
    log(participant, challenge, action_type)  # second: no new badge
    assert (
        Notification.objects.filter(
            recipient=participant.user, verb="challenge_badge"
        ).count()
        == 1
    )
    assert Event.objects.filter(stream=stream).count() == events


def test_the_badge_notice_is_read_in_the_readers_language(
    client, town, participant, challenge, action_type
):
    # Earned while the acting member browsed in French; the partner reads English.
    partner = make_member(town, household=participant.household)
    log(participant, challenge, action_type)

    client.force_login(partner.user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("feeds:notifications")).content.decode()
    assert "First action" in page
    assert "Première action" not in page
    assert challenge.title in page

    client.cookies["django_language"] = "fr"
    page = client.get(reverse("feeds:notifications")).content.decode()
    assert "Première action" in page

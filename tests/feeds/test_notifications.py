"""Notifications: who is told what, grouping, the centre, preferences, digest."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from notifications.models import Notification

from feeds import actions
from feeds.queries.notifications import notification_groups
from realtime.models import Event
from tests.factories import make_member
from tests.feeds.conftest import key, post_as

pytestmark = pytest.mark.django_db


def _verbs(member) -> list[str]:
    return list(
        Notification.objects.filter(recipient=member.user)
        .order_by("id")
        .values_list("verb", flat=True)
    )


def test_replies_mentions_follows_and_messages_notify(member, neighbour, far_neighbour):
    post = post_as(member, "Qui prête une perceuse ?")
    top = actions.check_add_comment(neighbour, post, body="Moi", client_key=key())
    actions.check_add_comment(
        member,
        post,
        body="Merci @Zoé L. et @Paul M.",
        client_key=key(),
        parent_id=top.pk,
    )
    actions.do_follow(neighbour, "member", member.pk)
    room = actions.get_or_create_direct_room(neighbour, member)
    actions.check_send_message(
        neighbour, room, body="Je passe à 18 h", client_key=key()
    )
    assert _verbs(member) == ["reply", "follow", "message"]
    # Paul is told once: the reply is to him, the mention is not repeated.
    assert _verbs(neighbour) == ["reply"]
    assert _verbs(far_neighbour) == ["mention"]
    badge = Event.objects.filter(stream=f"user:{member.user_id}").last()
    assert badge.event == "notifications.unread"
    assert badge.data["unread"] == 3
    assert badge.data["item"] == "notification-badge"
    assert ">3<" in badge.data["html"]


def test_reactions_are_grouped_anne_and_three_others(town, member, neighbourhood):
    post = post_as(member, "Mon compost")
    names = ["Anne", "Bruno", "Chloé", "David"]
    for name in names:
        reader = make_member(town, neighbourhood=neighbourhood, display_name=name)
        actions.do_react(reader, post, "bravo")
    groups = notification_groups(member)
    assert len(groups) == 1
    assert groups[0].actor_names[0] == "David" and groups[0].others == 3
    assert len(groups[0].ids) == 4


def test_the_centre_marks_one_or_all_read(client, town, member, neighbourhood):
    post = post_as(member, "Mon compost")
    reader = make_member(town, neighbourhood=neighbourhood, display_name="Bruno")
    actions.do_react(reader, post, "bravo")
    actions.do_follow(reader, "member", member.pk)
    client.force_login(member.user)
    page = client.get(reverse("feeds:notifications")).content.decode()
    assert "Bruno" in page and "a réagi à votre publication" in page
    assert "vous suit" in page
    follow = Notification.objects.get(recipient=member.user, verb="follow")
    response = client.post(
        reverse("feeds:notifications_read"),
        {"id": [follow.pk], "go": f"/membres/{reader.pk}/"},
    )
    assert response["Location"] == f"/membres/{reader.pk}/"
    assert Notification.objects.filter(recipient=member.user, unread=True).count() == 1
    # Someone else's id changes nothing.
    other = Notification.objects.filter(recipient=member.user).first()
    client.force_login(reader.user)
    client.post(reverse("feeds:notifications_read"), {"id": [other.pk]})
    client.force_login(member.user)
    client.post(reverse("feeds:notifications_read"), {"all": "1"})
    assert not Notification.objects.filter(recipient=member.user, unread=True).exists()


def test_preferences_turn_a_kind_off(client, member, neighbour):
    client.force_login(member.user)
    choices = {
        "reply": "site",
        "mention": "site",
        "reaction": "off",
        "follow": "email",
        "message": "site",
    }
    response = client.post(reverse("feeds:notification_preferences"), choices)
    assert response.status_code == 302
    post = post_as(member, "Sujet")
    actions.do_react(neighbour, post, "merci")
    assert _verbs(member) == []
    actions.do_follow(neighbour, "member", member.pk)
    assert _verbs(member) == ["follow"]


def test_the_daily_digest_sends_one_email_once(member, neighbour, far_neighbour):
    actions.do_set_notification_preferences(
        member, {"follow": "email", "reply": "email"}
    )
    post = post_as(member, "Sujet")
    actions.do_follow(neighbour, "member", member.pk)
    actions.do_follow(far_neighbour, "member", member.pk)
    actions.check_add_comment(neighbour, post, body="Réponse", client_key=key())
    actions.do_react(neighbour, post, "merci")  # reactions stay on the site only
    call_command("send_notification_digest")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.user.email]
    assert "Paul M. vous suit" in message.body and "Zoé L. vous suit" in message.body
    assert "a répondu" in message.body and "a réagi" not in message.body
    call_command("send_notification_digest")
    assert len(mail.outbox) == 1


def test_a_reply_notification_quotes_the_reply_not_the_post(
    client, member, neighbour, far_neighbour
):
    post = post_as(member, "Qui prête une perceuse ?")
    top = actions.check_add_comment(
        neighbour, post, body="Moi, samedi matin", client_key=key()
    )
    actions.check_add_comment(
        member,
        post,
        body="Parfait, merci @Zoé L. !",
        client_key=key(),
        parent_id=top.pk,
    )
    client.force_login(member.user)
    page = client.get(reverse("feeds:notifications")).content.decode()
    assert "« Moi, samedi matin »" in page
    assert "« Qui prête une perceuse ? »" not in page
    # The reply to a comment quotes that reply to the comment's author, and a
    # member mentioned in it sees the comment they were mentioned in.
    client.force_login(neighbour.user)
    page = client.get(reverse("feeds:notifications")).content.decode()
    assert "« Parfait, merci @Zoé L. ! »" in page
    assert "perceuse" not in page
    client.force_login(far_neighbour.user)
    page = client.get(reverse("feeds:notifications")).content.decode()
    assert "« Parfait, merci @Zoé L. ! »" in page

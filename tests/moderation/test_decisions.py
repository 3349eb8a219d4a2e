"""Each action of the queue: the item changes live, the audit log records it,
the author is notified and may appeal once."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from notifications.models import Notification

from feeds import actions as feed_actions
from feeds.models import ContentState, Post
from feeds.queries.chat import room_history
from moderation import actions, items
from moderation.models import (
    AppealState,
    CaseState,
    Decision,
    DecisionAction,
    HiddenMessage,
    OriginalContent,
    Reason,
    ReportGroup,
    Sanction,
)
from realtime.groups import room_stream, town_stream
from tests.factories import PASSWORD
from tests.moderation.conftest import comment_as, events, key, post_as

pytestmark = pytest.mark.django_db


def reported(author, reporter, body="Texte signalé"):
    post = post_as(author, body)
    actions.check_report(reporter, "post", post.pk, reason=Reason.OFFENSIVE)
    return post, ReportGroup.objects.get(kind="post", object_id=post.pk)


def moderation_notices(member):
    return list(
        Notification.objects.filter(recipient=member.user, verb="moderation").order_by(
            "id"
        )
    )


def test_hide_and_restore_a_post_live_logged_and_notified(
    author, reporters, moderator, town
):
    post, group = reported(author, reporters[0])
    item = items.load("post", post.pk)
    decision = actions.do_hide(moderator, item, "Propos insultants", group)
    post.refresh_from_db()
    group.refresh_from_db()
    assert post.state == ContentState.HIDDEN
    assert group.state == CaseState.RESOLVED
    removed = events(town_stream(town.pk), "post.removed")
    assert removed[-1].data == {"remove": True, "item": f"post-{post.pk}"}
    assert decision.action == DecisionAction.HIDE
    assert decision.moderator == moderator
    assert decision.member == author
    assert decision.reason == "Propos insultants"
    (notice,) = moderation_notices(author)
    assert "Propos insultants" in notice.data["excerpt"]
    assert notice.data["url"] == reverse("moderation:decision", args=[decision.pk])

    actions.do_restore(moderator, items.load("post", post.pk), "Erreur de ma part")
    post.refresh_from_db()
    assert post.state == ContentState.PUBLISHED
    created = events(town_stream(town.pk), "post.created")
    assert created[-1].data["item"] == f"post-{post.pk}"
    assert list(Decision.objects.values_list("action", flat=True)) == [
        DecisionAction.RESTORE,
        DecisionAction.HIDE,
    ]
    assert len(moderation_notices(author)) == 2


def test_hide_and_restore_a_comment(author, reporters, moderator, town):
    post = post_as(author)
    comment = comment_as(reporters[1], post, "Commentaire insultant")
    actions.check_report(reporters[0], "comment", comment.pk, reason=Reason.OFFENSIVE)
    group = ReportGroup.objects.get()
    actions.do_hide(moderator, items.load("comment", comment.pk), "Insulte", group)
    comment.refresh_from_db()
    assert comment.state == ContentState.HIDDEN
    assert Post.objects.get(pk=post.pk).comment_count == 0
    assert events(town_stream(town.pk), "comment.removed")[-1].data["item"] == (
        f"comment-{comment.pk}"
    )
    actions.do_restore(moderator, items.load("comment", comment.pk), "Rétabli")
    comment.refresh_from_db()
    assert comment.state == ContentState.PUBLISHED
    assert Post.objects.get(pk=post.pk).comment_count == 1


def test_hide_and_restore_a_chat_message(author, reporters, moderator):
    room = feed_actions.get_or_create_neighbourhood_room(author.household.neighbourhood)
    message = feed_actions.check_send_message(
        author, room, body="Message déplacé", client_key=key()
    )
    actions.check_report(reporters[0], "message", message.pk, reason=Reason.OFFENSIVE)
    group = ReportGroup.objects.get()
    actions.do_hide(moderator, items.load("message", message.pk), "Déplacé", group)
    assert HiddenMessage.objects.filter(message=message).exists()
    assert message not in room_history(reporters[0], room, None).items
    removed = events(room_stream(room.pk), "message.removed")
    assert removed[-1].data == {"remove": True, "item": f"message-{message.pk}"}
    actions.do_restore(moderator, items.load("message", message.pk), "Finalement ok")
    assert message in room_history(reporters[0], room, None).items
    assert events(room_stream(room.pk), "message.created")[-1].data["item"] == (
        f"message-{message.pk}"
    )


def test_edit_keeps_the_original(author, reporters, moderator):
    post, group = reported(author, reporters[0], "Appelez Jean au 06 12 34 56 78")
    decision = actions.do_edit(
        moderator,
        items.load("post", post.pk),
        "Appelez Jean (numéro retiré)",
        "Données personnelles",
        group,
    )
    post.refresh_from_db()
    assert post.body == "Appelez Jean (numéro retiré)"
    assert post.edited_at is not None
    original = OriginalContent.objects.get(decision=decision)
    assert original.body == "Appelez Jean au 06 12 34 56 78"
    assert decision.action == DecisionAction.EDIT


def test_dismiss_closes_without_touching_the_item(author, reporters, moderator):
    post, group = reported(author, reporters[0])
    actions.do_dismiss(moderator, group, "Rien d'anormal")
    group.refresh_from_db()
    post.refresh_from_db()
    assert group.state == CaseState.RESOLVED
    assert post.state == ContentState.PUBLISHED
    assert moderation_notices(author) == []
    assert Decision.objects.get().action == DecisionAction.DISMISS


def test_every_decision_needs_a_reason(author, reporters, moderator):
    post, group = reported(author, reporters[0])
    with pytest.raises(ValidationError, match="motif"):
        actions.do_hide(moderator, items.load("post", post.pk), "  ", group)
    post.refresh_from_db()
    assert post.state == ContentState.PUBLISHED
    assert not Decision.objects.exists()


def test_warn_suspend_and_ban(author, reporters, moderator, client):
    post, group = reported(author, reporters[0])
    item = items.load("post", post.pk)
    actions.do_warn(moderator, item, "Restez courtois", group)
    assert Decision.objects.get().action == DecisionAction.WARN
    actions.do_suspend(moderator, item, 7, "Récidive")
    sanction = Sanction.objects.get()
    assert sanction.kind == "suspension" and sanction.ends_at is not None
    actions.do_ban(moderator, item, "Harcèlement")
    assert not User.objects.get(pk=author.user_id).is_active
    login = client.post(
        reverse("login"),
        {"username": author.user.email, "password": PASSWORD},
    )
    assert login.status_code == 200  # the form again, not a redirect
    assert "_auth_user_id" not in client.session
    assert len(moderation_notices(author)) == 3
    assert list(Decision.objects.values_list("action", flat=True)) == [
        DecisionAction.BAN,
        DecisionAction.SUSPEND,
        DecisionAction.WARN,
    ]


def test_residents_cannot_moderate(author, reporters):
    post, group = reported(author, reporters[0])
    item = items.load("post", post.pk)
    for call in (
        lambda: actions.do_hide(reporters[1].user, item, "x", group),
        lambda: actions.do_dismiss(reporters[1].user, group, "x"),
        lambda: actions.do_ban(reporters[1].user, item, "x", group),
        lambda: actions.do_suspend(reporters[1].user, item, 3, "x", group),
    ):
        with pytest.raises(PermissionDenied):
            call()
    post.refresh_from_db()
    assert post.state == ContentState.PUBLISHED
    assert not Decision.objects.exists()


def test_the_author_appeals_once_and_a_granted_appeal_undoes(
    author, reporters, moderator, client
):
    post, group = reported(author, reporters[0])
    decision = actions.do_hide(
        moderator, items.load("post", post.pk), "Hors charte", group
    )
    client.force_login(author.user)
    url = reverse("moderation:decision", args=[decision.pk])
    page = client.get(url)
    assert "Contester cette décision" in page.content.decode()
    response = client.post(url, {"text": "Je parlais de mon propre vélo."})
    assert response.status_code == 302
    appeal = decision.appeal
    assert appeal.state == AppealState.PENDING
    with pytest.raises(ValidationError, match="déjà fait un recours"):
        actions.check_appeal(author, decision, "Encore")
    assert "Contester cette décision" not in client.get(url).content.decode()
    # Someone else's decision is a 404.
    client.force_login(reporters[0].user)
    assert client.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.check_appeal(reporters[0], decision, "Pas le mien")

    actions.do_answer_appeal(moderator, appeal, granted=True, answer="Vous avez raison")
    appeal.refresh_from_db()
    post.refresh_from_db()
    assert appeal.state == AppealState.GRANTED
    assert post.state == ContentState.PUBLISHED
    assert Decision.objects.first().action == DecisionAction.APPEAL_GRANTED
    assert "accepté" in moderation_notices(author)[-1].data["excerpt"]


def test_a_granted_appeal_lifts_a_ban(author, reporters, moderator):
    post, group = reported(author, reporters[0])
    decision = actions.do_ban(moderator, items.load("post", post.pk), "Spam", group)
    appeal = actions.check_appeal(author, decision, "Compte piraté")
    actions.do_answer_appeal(moderator, appeal, granted=True, answer="Rétabli")
    assert User.objects.get(pk=author.user_id).is_active
    assert Sanction.objects.get().lifted_at is not None
    post_as(author, "Je peux publier de nouveau")


def test_a_rejected_appeal_changes_nothing(author, reporters, moderator):
    post, group = reported(author, reporters[0])
    decision = actions.do_hide(moderator, items.load("post", post.pk), "Spam", group)
    appeal = actions.check_appeal(author, decision, "Non")
    actions.do_answer_appeal(moderator, appeal, granted=False, answer="Maintenu")
    post.refresh_from_db()
    assert post.state == ContentState.HIDDEN
    with pytest.raises(ValidationError):
        actions.do_answer_appeal(moderator, appeal, granted=True, answer="Oups")


def test_the_notification_centre_shows_the_decision(
    author, reporters, moderator, client
):
    post, group = reported(author, reporters[0])
    actions.do_warn(moderator, items.load("post", post.pk), "Restez courtois", group)
    client.force_login(author.user)
    page = client.get(reverse("feeds:notifications")).content.decode()
    assert "a pris une décision vous concernant" in page
    assert "Restez courtois" in page


def test_a_decision_notice_names_the_moderators_in_the_reader_s_language(
    client, author, reporters, moderator
):
    _, group = reported(author, reporters[0])
    actions.do_hide(moderator, items.load("post", group.object_id), "Hors sujet", group)
    client.force_login(author.user)

    client.cookies["django_language"] = "en"
    page = client.get(reverse("feeds:notifications")).content.decode()
    assert "The moderators" in page
    assert "La modération" not in page

    client.cookies["django_language"] = "fr"
    page = client.get(reverse("feeds:notifications")).content.decode()
    assert "La modération" in page

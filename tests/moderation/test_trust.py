"""Trust levels and sanctions, enforced in feeds' actions (forms and websocket
paths call the same actions); auto-hide by trusted members only."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Onboarding
from community import roles
from community.models import Member
from feeds import actions as feed_actions
from feeds.models import ContentState, Follow, FollowKind, Post, ReactionKind
from moderation import actions, items, trust
from moderation.models import (
    CaseState,
    Decision,
    DecisionAction,
    Reason,
    ReportGroup,
    Sanction,
)
from realtime.groups import town_stream
from tests.factories import make_staff
from tests.feeds.conftest import png
from tests.moderation.conftest import comment_as, events, key, post_as

pytestmark = pytest.mark.django_db


def age(member: Member, days: int) -> None:
    Member.objects.filter(pk=member.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    member.refresh_from_db()


def test_levels_grow_with_activity_and_time(limits_on, author):
    assert trust.trust_level(author) == trust.TrustLevel.NEW
    for n in range(3):
        post_as(author, f"Publication {n}")
    assert trust.trust_level(author) == trust.TrustLevel.NEW  # too recent
    age(author, 4)
    assert trust.trust_level(author) == trust.TrustLevel.MEMBER
    for n in range(17):
        post_as(author, f"Encore {n}")
    age(author, 31)
    assert trust.trust_level(author) == trust.TrustLevel.TRUSTED


def test_a_recent_sanction_keeps_a_member_from_trusted(limits_on, author, moderator):
    age(author, 40)
    for n in range(20):
        post_as(author, f"Publication {n}")
    assert trust.trust_level(author) == trust.TrustLevel.TRUSTED
    actions.do_warn(moderator, items.load("member", author.pk), "Attention")
    assert trust.trust_level(author) == trust.TrustLevel.MEMBER


def test_an_ambassadors_confirmation_lifts_the_first_level(limits_on, author, town):
    assert trust.trust_level(author) == trust.TrustLevel.NEW
    ambassador = make_staff(town, roles.AMBASSADOR)
    Onboarding.objects.create(household=author.household, ambassador=ambassador)
    assert trust.trust_level(author) == trust.TrustLevel.MEMBER
    post_as(author, "Mon lien https://exemple.fr/velo")


def test_new_members_post_no_links_or_pictures(limits_on, author):
    with pytest.raises(ValidationError, match="liens"):
        post_as(author, "Voyez https://arnaque.example/promo")
    with pytest.raises(ValidationError, match="images"):
        post_as(author, "Ma photo", images=[png()])
    post = post_as(author, "Sans lien ni photo")
    with pytest.raises(ValidationError, match="liens"):
        comment_as(author, post, "www.arnaque.example")
    assert Post.objects.count() == 1


def test_new_members_have_a_lower_post_rate(limits_on, author):
    for n in range(3):
        post_as(author, f"Message {n}")
    with pytest.raises(ValidationError, match="nouveaux membres"):
        post_as(author, "Un de trop")
    assert Post.objects.count() == 3


def test_new_members_write_privately_only_to_followers(limits_on, author, reporters):
    other = reporters[0]
    with pytest.raises(ValidationError, match="qui les suivent"):
        feed_actions.get_or_create_direct_room(author, other)
    Follow.objects.create(follower=other, kind=FollowKind.MEMBER, target_id=author.pk)
    room = feed_actions.get_or_create_direct_room(author, other)
    message = feed_actions.check_send_message(
        author, room, body="Merci de me suivre", client_key=key()
    )
    assert message.pk


def test_a_new_member_may_answer_who_wrote_first(limits_on, author, reporters):
    other = reporters[0]
    # `other` is new too: the author follows them, so they may write first.
    Follow.objects.create(follower=author, kind=FollowKind.MEMBER, target_id=other.pk)
    room = feed_actions.get_or_create_direct_room(other, author)
    feed_actions.check_send_message(other, room, body="Bienvenue !", client_key=key())
    answer = feed_actions.check_send_message(
        author, room, body="Merci !", client_key=key()
    )
    assert answer.pk
    quiet = reporters[1]
    Follow.objects.create(follower=author, kind=FollowKind.MEMBER, target_id=quiet.pk)
    quiet_room = feed_actions.get_or_create_direct_room(quiet, author)
    with pytest.raises(ValidationError, match="qui les suivent"):
        feed_actions.check_send_message(
            author, quiet_room, body="Coucou", client_key=key()
        )


def test_the_dm_refusal_shows_on_the_form(limits_on, author, reporters, client):
    client.force_login(author.user)
    response = client.post(
        reverse("feeds:start_direct", args=[reporters[0].pk]), follow=True
    )
    assert "qui les suivent" in response.content.decode()


def test_suspended_members_cannot_take_part(author, reporters, moderator):
    post = post_as(reporters[0], "Une publication")
    actions.do_suspend(moderator, items.load("member", author.pk), 3, "Pause")
    room = feed_actions.get_or_create_neighbourhood_room(author.household.neighbourhood)
    attempts = [
        lambda: post_as(author, "Je publie quand même"),
        lambda: comment_as(author, post, "Je commente"),
        lambda: feed_actions.do_react(author, post, ReactionKind.BRAVO),
        lambda: feed_actions.check_send_message(
            author, room, body="Je discute", client_key=key()
        ),
        lambda: actions.check_report(author, "post", post.pk, reason=Reason.SPAM),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="suspendu jusqu'au"):
            attempt()
    assert not Post.objects.filter(author=author).exists()


def test_a_suspension_ends_by_its_date(author, moderator):
    actions.do_suspend(moderator, items.load("member", author.pk), 2, "Pause")
    assert trust.active_sanction(author) is not None
    Sanction.objects.update(ends_at=timezone.now() - timedelta(minutes=1))
    assert trust.active_sanction(author) is None
    post_as(author, "De retour")


def test_the_refusal_is_a_clear_message_on_the_page(author, moderator, client):
    actions.do_suspend(moderator, items.load("member", author.pk), 3, "Pause")
    client.force_login(author.user)
    response = client.post(
        reverse("feeds:create"),
        {"body": "Bonjour", "client_key": key(), "where": "town"},
    )
    assert "suspendu jusqu" in response.content.decode()
    assert not Post.objects.filter(author=author).exists()


def test_three_trusted_reports_hide_pending_review(
    everyone_trusted, author, reporters, town
):
    post = post_as(author, "Contenu douteux")
    for reporter in reporters[:2]:
        actions.check_report(reporter, "post", post.pk, reason=Reason.SPAM)
    post.refresh_from_db()
    assert post.state == ContentState.PUBLISHED
    actions.check_report(reporters[2], "post", post.pk, reason=Reason.SPAM)
    post.refresh_from_db()
    group = ReportGroup.objects.get()
    assert post.state == ContentState.HIDDEN
    assert group.state == CaseState.HIDDEN_PENDING
    assert group.trusted_count == 3
    assert Decision.objects.get().action == DecisionAction.AUTO_HIDE
    assert events(town_stream(town.pk), "post.removed")[-1].data["item"] == (
        f"post-{post.pk}"
    )


def test_untrusted_reports_never_hide(limits_on, author, reporters):
    post = post_as(author, "Contenu douteux")
    for reporter in reporters:
        actions.check_report(reporter, "post", post.pk, reason=Reason.SPAM)
    post.refresh_from_db()
    group = ReportGroup.objects.get()
    assert group.report_count == 4
    assert group.trusted_count == 0
    assert post.state == ContentState.PUBLISHED
    assert group.state == CaseState.OPEN


def test_dismissing_an_auto_hidden_item_brings_it_back(
    everyone_trusted, author, reporters, moderator
):
    post = post_as(author, "Contenu finalement correct")
    for reporter in reporters[:3]:
        actions.check_report(reporter, "post", post.pk, reason=Reason.OFF_TOPIC)
    group = ReportGroup.objects.get()
    actions.do_dismiss(moderator, group, "Conforme à la charte")
    post.refresh_from_db()
    assert post.state == ContentState.PUBLISHED


def test_the_threshold_is_a_setting_of_the_town(
    everyone_trusted, town, author, reporters
):
    town.auto_hide_trusted_reports = 1  # the town's « Réglages »
    town.save(update_fields=["auto_hide_trusted_reports"])
    post = post_as(author, "Contenu")
    actions.check_report(reporters[0], "post", post.pk, reason=Reason.SPAM)
    post.refresh_from_db()
    assert post.state == ContentState.HIDDEN

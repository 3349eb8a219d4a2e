"""Reports: grouped by item with a count, once per member, on what one can see."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from feeds import actions as feed_actions
from moderation import actions
from moderation.models import CaseState, Reason, Report, ReportGroup
from tests.factories import NeighbourhoodFactory, make_member, make_town
from tests.moderation.conftest import comment_as, key, post_as

pytestmark = pytest.mark.django_db


def test_reports_on_one_item_group_together_with_a_count(author, reporters):
    post = post_as(author, "Vends des panneaux pas chers, écrivez-moi")
    actions.check_report(reporters[0], "post", post.pk, reason=Reason.SPAM)
    actions.check_report(
        reporters[1], "post", post.pk, reason=Reason.OTHER, text="Arnaque"
    )
    other = post_as(author, "Autre chose")
    actions.check_report(reporters[0], "post", other.pk, reason=Reason.OFF_TOPIC)
    group = ReportGroup.objects.get(kind="post", object_id=post.pk)
    assert group.report_count == 2
    assert group.state == CaseState.OPEN
    assert sorted(group.reasons) == ["other", "spam"]
    assert group.author == author
    assert group.neighbourhood_id is None
    assert ReportGroup.objects.count() == 2
    assert list(group.reports.values_list("reporter", flat=True)) == [
        reporters[0].pk,
        reporters[1].pk,
    ]


def test_a_member_reports_an_item_once(author, reporters):
    post = post_as(author)
    actions.check_report(reporters[0], "post", post.pk, reason=Reason.SPAM)
    with pytest.raises(ValidationError, match="déjà signalé"):
        actions.check_report(reporters[0], "post", post.pk, reason=Reason.OFFENSIVE)
    assert Report.objects.count() == 1
    assert ReportGroup.objects.get().report_count == 1


def test_a_new_group_opens_once_the_first_is_resolved(author, reporters, moderator):
    post = post_as(author)
    actions.check_report(reporters[0], "post", post.pk, reason=Reason.SPAM)
    group = ReportGroup.objects.get()
    actions.do_dismiss(moderator, group, "Rien de grave")
    actions.check_report(reporters[1], "post", post.pk, reason=Reason.SPAM)
    assert ReportGroup.objects.count() == 2
    assert ReportGroup.objects.filter(state=CaseState.OPEN).count() == 1


def test_bad_reports_are_refused(author, reporters):
    post = post_as(author)
    with pytest.raises(ValidationError, match="vient de vous"):
        actions.check_report(author, "post", post.pk, reason=Reason.SPAM)
    with pytest.raises(ValidationError, match="motif"):
        actions.check_report(reporters[0], "post", post.pk, reason="pas-un-motif")
    with pytest.raises(ValidationError, match="Autre"):
        actions.check_report(reporters[0], "post", post.pk, reason=Reason.OTHER)
    with pytest.raises(Http404):
        actions.check_report(reporters[0], "post", 987654, reason=Reason.SPAM)
    assert not Report.objects.exists()


def test_items_of_another_town_or_a_foreign_room_are_404(author, reporters, town):
    other_town = make_town("Ailleurs", hostname="ailleurs.test")
    stranger = make_member(
        other_town, neighbourhood=NeighbourhoodFactory(town=other_town)
    )
    post = post_as(author)
    with pytest.raises(Http404):
        actions.check_report(stranger, "post", post.pk, reason=Reason.SPAM)
    far = make_member(town, neighbourhood=NeighbourhoodFactory(town=town))
    room = feed_actions.get_or_create_neighbourhood_room(author.household.neighbourhood)
    message = feed_actions.check_send_message(
        author, room, body="Salut le quartier", client_key=key()
    )
    with pytest.raises(Http404):
        actions.check_report(far, "message", message.pk, reason=Reason.SPAM)
    actions.check_report(reporters[0], "message", message.pk, reason=Reason.SPAM)
    assert ReportGroup.objects.get().kind == "message"


def test_every_kind_can_be_reported(author, reporters):
    post = post_as(author)
    comment = comment_as(reporters[1], post, "Un commentaire limite")
    actions.check_report(reporters[0], "comment", comment.pk, reason=Reason.OFFENSIVE)
    actions.check_report(reporters[0], "member", author.pk, reason=Reason.SPAM)
    kinds = set(ReportGroup.objects.values_list("kind", flat=True))
    assert kinds == {"comment", "member"}
    member_group = ReportGroup.objects.get(kind="member")
    assert member_group.author == author
    assert member_group.neighbourhood == author.household.neighbourhood


def test_the_report_page_works_without_javascript(client, author, reporters):
    post = post_as(author, "Un texte à signaler")
    client.force_login(reporters[0].user)
    detail = client.get(reverse("feeds:post", args=[post.pk]))
    url = reverse("moderation:report", args=["post", post.pk])
    assert url in detail.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "Un texte à signaler" in page.content.decode()
    assert 'name="reason"' in page.content.decode()
    refused = client.post(url, {"reason": "other", "text": ""})
    assert refused.status_code == 400
    assert "Précisez" in refused.content.decode()
    done = client.post(url, {"reason": "spam", "next": "/fil/commune/"})
    assert done.status_code == 302
    assert done["Location"] == "/fil/commune/"
    assert ReportGroup.objects.get().report_count == 1
    again = client.get(url)
    assert "déjà signalé" in again.content.decode()


def test_the_author_sees_no_report_link_on_their_own_post(client, author):
    post = post_as(author)
    client.force_login(author.user)
    page = client.get(reverse("feeds:post", args=[post.pk])).content.decode()
    assert reverse("moderation:report", args=["post", post.pk]) not in page


def test_report_links_on_profiles_comments_and_chat(client, author, reporters):
    post = post_as(author)
    comment = comment_as(author, post, "Mon commentaire")
    client.force_login(reporters[0].user)
    profile = client.get(reverse("feeds:member", args=[author.pk])).content.decode()
    assert reverse("moderation:report", args=["member", author.pk]) in profile
    detail = client.get(reverse("feeds:post", args=[post.pk])).content.decode()
    assert reverse("moderation:report", args=["comment", comment.pk]) in detail
    room = feed_actions.get_or_create_neighbourhood_room(author.household.neighbourhood)
    message = feed_actions.check_send_message(
        author, room, body="Coucou", client_key=key()
    )
    chat = client.get(reverse("feeds:room", args=[room.pk])).content.decode()
    assert reverse("moderation:report", args=["message", message.pk]) in chat


def test_anonymous_visitors_are_sent_to_the_login_page(client, author):
    post = post_as(author)
    response = client.get(reverse("moderation:report", args=["post", post.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"] or "connexion" in response["Location"]

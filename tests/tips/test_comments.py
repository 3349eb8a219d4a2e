"""Comments on a tip, through the feeds' comments: a discussion post per tip."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from notifications.models import Notification

from feeds import actions as feeds_actions
from feeds.models import Comment, ContentState, Post, PostTarget
from realtime.groups import town_stream
from realtime.models import Event
from tests.factories import NeighbourhoodFactory, make_member, make_town
from tests.tips.helpers import make_tip
from tips import actions

_keys = itertools.count(1)


@pytest.fixture(autouse=True)
def generous_rates(settings) -> None:
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "COMMENT_RATE": (10_000, 600),
    }


@pytest.fixture
def proposer(town, neighbourhood):
    return make_member(town, neighbourhood=neighbourhood, display_name="Lou P.")


@pytest.fixture
def tip(tip_index, proposer):
    return make_tip(
        tip_index, "Mousseurs sur les robinets", domain="water", author=proposer
    )


def comment_url(tip) -> str:
    return f"{tip.url}commenter/"


def comment_on(member, tip, body: str, **kwargs) -> Comment:
    return actions.check_comment_tip(
        member, tip, body=body, client_key=f"tip-cle-{next(_keys)}", **kwargs
    )


def test_a_member_comments_a_tip_without_javascript(client, tip, resident, proposer):
    client.force_login(resident.user)
    page = client.get(tip.url)
    assert page.status_code == 200
    assert "Pas encore de commentaire" in page.text
    assert 'action="' + comment_url(tip) + '"' in page.text
    assert not Post.objects.filter(tip=tip).exists()

    answer = client.post(
        comment_url(tip),
        {"body": "Installé chez nous : -30 % d'eau", "client_key": "k-1"},
    )
    comment = Comment.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"{tip.url}#comment-{comment.pk}"
    post = comment.post
    assert (post.target, post.tip_id, post.author_id) == (
        PostTarget.TIP,
        tip.pk,
        proposer.pk,
    )
    assert post.comment_count == 1

    page = client.get(tip.url)
    assert f'id="comment-{comment.pk}"' in page.text
    assert "Installé chez nous" in page.text
    assert f'data-feeds-list="comments-{post.pk}"' in page.text
    assert f'data-live-stream="{town_stream(tip_index_town(tip).pk)}"' in page.text
    # The same client key again (a retried submission) stores nothing more.
    client.post(comment_url(tip), {"body": "Installé chez nous", "client_key": "k-1"})
    assert Comment.objects.count() == 1


def tip_index_town(tip):
    return tip.get_parent().get_parent().specific


def test_the_tip_author_is_notified_and_the_comment_goes_live(tip, resident, proposer):
    comment = comment_on(resident, tip, "Testé et approuvé")
    notification = Notification.objects.get(recipient=proposer.user)
    assert notification.data["kind"] == "reply"
    assert notification.data["actor_id"] == resident.pk
    assert notification.data["url"] == reverse("feeds:post", args=[comment.post_id])
    # « a répondu : » quotes what was said, not the tip's discussion post.
    assert notification.data["excerpt"] == "Testé et approuvé"
    event = Event.objects.get(event="comment.created")
    assert event.stream == town_stream(resident.town_id)
    assert event.data["list"] == f"comments-{comment.post_id}"
    assert f'id="comment-{comment.pk}"' in event.data["comment_html"]
    # No feed item: the discussion post itself was never published as a post.
    assert not Event.objects.filter(event="post.created").exists()


def test_the_discussion_link_and_reply_links_lead_to_the_tip_page(
    client, tip, resident, proposer
):
    comment = comment_on(resident, tip, "Où les acheter ?")
    client.force_login(proposer.user)
    answer = client.get(
        reverse("feeds:post", args=[comment.post_id]), {"repondre": comment.pk}
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"{tip.url}?repondre={comment.pk}"
    page = client.get(answer["Location"])
    assert "Répondre au commentaire" in page.text
    assert f'name="parent" value="{comment.pk}"' in page.text

    client.post(
        comment_url(tip),
        {"body": "À la quincaillerie", "client_key": "k-r", "parent": comment.pk},
    )
    reply = Comment.objects.get(body="À la quincaillerie")
    assert reply.parent_id == comment.pk
    # A reply notifies the comment's author, not the tip's.
    assert Notification.objects.filter(recipient=resident.user).count() == 1
    page = client.get(tip.url)
    thread = page.text.split(f'id="comment-{comment.pk}"', 1)[1]
    assert f'id="comment-{reply.pk}"' in thread.split("</ol>", 1)[0]


def test_the_discussion_stays_out_of_every_feed(client, tip, resident, proposer):
    comment_on(resident, tip, "Une remarque sur l'astuce")
    client.force_login(proposer.user)
    for url in (reverse("feeds:town"), reverse("feeds:mine")):
        page = client.get(url)
        assert page.status_code == 200
        assert "Mousseurs sur les robinets" not in page.text
    profile = client.get(reverse("feeds:member", args=[proposer.pk]))
    assert "Mousseurs sur les robinets" not in profile.text


def test_an_empty_comment_shows_the_error_and_opens_nothing(client, tip, resident):
    client.force_login(resident.user)
    answer = client.post(comment_url(tip), {"body": "   ", "client_key": "k-2"})
    assert answer.status_code == 400
    assert "form-errors" in answer.text
    assert not Post.objects.filter(tip=tip).exists()
    too_long = client.post(comment_url(tip), {"body": "x" * 2001, "client_key": "k"})
    assert too_long.status_code == 400
    assert not Comment.objects.exists()


def test_visitors_and_other_towns_neither_read_nor_write(client, tip, resident):
    comment_on(resident, tip, "Réservé aux habitants")
    page = client.get(tip.url)
    assert page.status_code == 200
    assert "Réservé aux habitants" not in page.text
    assert "Connectez-vous pour lire les commentaires" in page.text
    anonymous = client.post(comment_url(tip), {"body": "Spam", "client_key": "k"})
    assert anonymous.status_code == 302 and "/connexion" in anonymous["Location"]

    other = make_town("Ailleurs", hostname="ailleurs.test")
    stranger = make_member(other, neighbourhood=NeighbourhoodFactory(town=other))
    client.force_login(stranger.user)
    page = client.get(tip.url)
    assert "Réservé aux habitants" not in page.text
    refused = client.post(comment_url(tip), {"body": "Spam", "client_key": "k"})
    assert refused.status_code == 403
    assert Comment.objects.count() == 1


def test_a_tip_credited_to_nobody_is_opened_by_its_first_commenter(
    tip_index, resident, town, neighbourhood
):
    tip = make_tip(tip_index, "Éteindre les veilles")
    comment_on(resident, tip, "Une multiprise à interrupteur suffit")
    second = make_member(town, neighbourhood=neighbourhood)
    comment_on(second, tip, "Bonne idée")
    post = Post.objects.get(tip=tip)
    assert post.author_id == resident.pk
    assert post.comment_count == 2
    assert Notification.objects.filter(recipient=resident.user).count() == 1


def test_a_hidden_discussion_closes_the_comments(client, tip, resident, moderator):
    comment = comment_on(resident, tip, "Premier")
    feeds_actions.do_hide_post(moderator, comment.post)
    with pytest.raises(ValidationError, match="n'existe plus"):
        comment_on(resident, tip, "Second")
    assert Comment.objects.filter(state=ContentState.PUBLISHED).count() == 1
    client.force_login(resident.user)
    page = client.get(tip.url)
    assert "commentaires de cette astuce sont fermés" in page.text
    assert "Premier" not in page.text
    assert comment_url(tip) not in page.text


def test_muted_authors_are_left_out(client, tip, resident, town, neighbourhood):
    loud = make_member(town, neighbourhood=neighbourhood, display_name="Loud")
    comment_on(loud, tip, "Message bruyant")
    comment_on(resident, tip, "Message calme")
    feeds_actions.do_mute(resident, loud)
    client.force_login(resident.user)
    page = client.get(tip.url)
    assert "Message calme" in page.text
    assert "Message bruyant" not in page.text


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_tip_page_runs_a_bounded_number_of_queries(
    client, tip, resident, town, neighbourhood
):
    others = [make_member(town, neighbourhood=neighbourhood) for _ in range(3)]
    first = comment_on(others[0], tip, "Commentaire 0")
    comment_on(others[1], tip, "Réponse 0", parent_id=first.pk)
    client.force_login(resident.user)
    client.get(tip.url)  # warm caches (content types, site root paths)
    few = _queries_for(client, tip.url)
    for n in range(1, 13):
        top = comment_on(others[n % 3], tip, f"Commentaire {n}")
        comment_on(others[(n + 1) % 3], tip, f"Réponse {n}", parent_id=top.pk)
    many = _queries_for(client, tip.url)
    assert many == few
    assert many <= 30
    assert client.get(tip.url).text.count('class="comment"') == 26


def test_the_credited_resident_leaving_keeps_everyone_s_comments(
    client, tip, resident, proposer
):
    """Deleting the account "content removed" takes the member's own words, not
    the tip's discussion, which holds the other members' comments."""
    from mydata.actions.deletion import DeletionMode, do_delete_account

    kept = comment_on(resident, tip, "Chez nous aussi, ça marche")
    own = comment_on(proposer, tip, "Merci pour vos retours")

    do_delete_account(proposer, DeletionMode.REMOVE)

    post = Post.objects.get(tip=tip)
    kept.refresh_from_db()
    own.refresh_from_db()
    assert post.state == ContentState.PUBLISHED
    assert post.author.is_former_member
    assert (kept.state, kept.body) == (
        ContentState.PUBLISHED,
        "Chez nous aussi, ça marche",
    )
    assert own.state == ContentState.DELETED
    assert own.body == ""
    client.force_login(resident.user)
    page = client.get(tip.url)
    assert "Chez nous aussi, ça marche" in page.text
    assert "Merci pour vos retours" not in page.text

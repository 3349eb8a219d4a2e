"""Posts, comments, reactions, follows, mutes and blocks through the real actions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from community import roles
from feeds import actions, queries
from feeds.models import Comment, ContentState, Post, PostTarget, Reaction
from realtime.groups import neighbourhood_stream, town_stream
from realtime.models import Event
from tests.factories import make_member, make_staff
from tests.feeds.conftest import key, post_as

pytestmark = pytest.mark.django_db


def test_a_post_is_stored_and_published_with_the_html_of_the_page(
    member, neighbourhood
):
    post = post_as(
        member,
        "Réparation de vélos samedi <b>gratuite</b>",
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=neighbourhood.pk,
    )
    events = {
        event.stream: event
        for event in Event.objects.filter(event="post.created").order_by("id")
    }
    assert set(events) == {
        town_stream(member.town_id),
        neighbourhood_stream(neighbourhood.pk),
    }
    html = events[neighbourhood_stream(neighbourhood.pk)].data["html"]
    assert f'id="post-{post.pk}"' in html
    # Plain text only: what looks like HTML is shown, escaped, never interpreted.
    assert "&lt;b&gt;gratuite&lt;/b&gt;" in html and "<b>" not in html
    assert events[town_stream(member.town_id)].data["item"] == f"post-{post.pk}"


def test_the_same_client_key_stores_one_post(member):
    first = actions.check_create_post(member, body="Une fois", client_key="k-1")
    again = actions.check_create_post(member, body="Une fois", client_key="k-1")
    assert first.pk == again.pk
    assert Post.objects.filter(author=member).count() == 1
    assert Event.objects.filter(event="post.created").count() == 1


def test_the_client_key_is_unique_per_author_in_the_database(member, neighbour):
    actions.check_create_post(member, body="A", client_key="même-clé")
    # Another author may use the same key: keys are per author.
    actions.check_create_post(neighbour, body="B", client_key="même-clé")
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            town_id=member.town_id,
            author=member,
            target=PostTarget.TOWN,
            body="C",
            client_key="même-clé",
        )
    assert Post.objects.count() == 2


def test_links_are_clickable_and_mentions_linked_at_render(member, neighbour):
    post = post_as(
        member,
        "Merci @Paul M. ! Voir https://example.org/velo?x=1&y=2 et "
        'écrire à anne@example.org <script>alert("x")</script>',
    )
    assert post.mentions == [{"id": neighbour.pk, "name": "Paul M."}]
    html = Event.objects.filter(event="post.created").first().data["html"]
    assert f'<a class="mention" href="/membres/{neighbour.pk}/">@Paul M.</a>' in html
    assert 'href="https://example.org/velo?x=1&amp;y=2"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_ambiguous_or_unknown_name_mentions_nobody(town, member, neighbourhood):
    make_member(town, neighbourhood=neighbourhood, display_name="Léa")
    make_member(town, neighbourhood=neighbourhood, display_name="Léa")
    post = post_as(member, "Bonjour @Léa et @Personne")
    assert post.mentions == []


def test_bad_input_writes_nothing(member, stranger):
    cases = [
        {"body": "   "},
        {"body": "x" * 5001},
        {"body": "ok", "content_warning": "c" * 121},
        {"body": "ok", "target": PostTarget.NEIGHBOURHOOD, "neighbourhood_id": 999999},
        {
            "body": "ok",
            "target": PostTarget.NEIGHBOURHOOD,
            "neighbourhood_id": stranger.household.neighbourhood_id,
        },
        {"body": "ok", "target": PostTarget.CHALLENGE, "challenge_id": 3},
        {"body": "ok", "target": "partout"},
        {"body": "ok", "client_key": ""},
    ]
    for case in cases:
        case.setdefault("client_key", key())
        with pytest.raises(ValidationError):
            actions.check_create_post(member, **case)
    assert Post.objects.count() == 0
    assert Event.objects.count() == 0


def test_the_model_allows_a_challenge_target_but_not_a_mixed_one(member):
    Post.objects.create(
        town_id=member.town_id,
        author=member,
        target=PostTarget.CHALLENGE,
        challenge_id=42,
        body="Défi",
        client_key="d",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            town_id=member.town_id,
            author=member,
            target=PostTarget.TOWN,
            challenge_id=42,
            body="Mélange",
            client_key="m",
        )
    assert Post.objects.filter(target=PostTarget.CHALLENGE).count() == 1


def test_posting_is_rate_limited_with_a_french_message(member):
    member.town.post_rate = 3  # the town's « Réglages »
    member.town.save(update_fields=["post_rate"])
    for number in range(3):
        post_as(member, f"Message {number}")
    with pytest.raises(ValidationError) as refused:
        post_as(member, "Un de trop")
    assert refused.value.code == "rate_limited"
    assert "attendez" in refused.value.messages[0]
    assert Post.objects.count() == 3
    # A retry of an accepted post is not a new post and is not refused.
    first = Post.objects.order_by("id").first()
    assert (
        actions.check_create_post(member, body="x", client_key=first.client_key)
        == first
    )


def test_a_deleted_or_hidden_post_disappears_and_says_so_live(town, member, neighbour):
    mine = post_as(member, "À supprimer")
    other = post_as(member, "À masquer")
    with pytest.raises(PermissionDenied):
        actions.do_delete_post(neighbour, mine)
    actions.do_delete_post(member, mine)
    with pytest.raises(PermissionDenied):
        actions.do_hide_post(neighbour.user, other)
    actions.do_hide_post(make_staff(town, roles.MODERATOR), other)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.state, other.state) == (ContentState.DELETED, ContentState.HIDDEN)
    assert queries.town_feed(neighbour).items == []
    removed = Event.objects.filter(event="post.removed").values_list(
        "data__item", flat=True
    )
    assert sorted(removed) == sorted([f"post-{mine.pk}", f"post-{other.pk}"])


def test_comments_have_one_level_of_replies(member, neighbour):
    post = post_as(member)
    top = actions.check_add_comment(neighbour, post, body="Top", client_key=key())
    reply = actions.check_add_comment(
        member, post, body="Réponse", client_key=key(), parent_id=top.pk
    )
    deeper = actions.check_add_comment(
        neighbour, post, body="Encore", client_key=key(), parent_id=reply.pk
    )
    assert reply.parent_id == top.pk
    assert deeper.parent_id == top.pk
    post.refresh_from_db()
    assert post.comment_count == 3
    threads = queries.post_comments(member, post)
    assert [c.pk for c in threads] == [top.pk]
    assert [c.pk for c in threads[0].reply_list] == [reply.pk, deeper.pk]
    event = Event.objects.filter(event="comment.created").last()
    assert event.data["list"] == f"comments-{post.pk}-{top.pk}"
    assert f'id="comment-{deeper.pk}"' in event.data["comment_html"]
    assert "3 commentaires" in event.data["replace_html"]


def test_a_retried_comment_is_stored_once(member, neighbour):
    post = post_as(member)
    first = actions.check_add_comment(neighbour, post, body="Oui", client_key="c-1")
    again = actions.check_add_comment(neighbour, post, body="Oui", client_key="c-1")
    assert first.pk == again.pk
    assert Comment.objects.count() == 1
    post.refresh_from_db()
    assert post.comment_count == 1


def test_reactions_toggle_and_are_counted_by_kind(town, member, neighbour):
    post = post_as(member)
    third = make_member(town, neighbourhood=neighbour.household.neighbourhood)
    assert actions.do_react(neighbour, post, "merci") is True
    assert actions.do_react(third, post, "merci") is True
    assert actions.do_react(third, post, "bravo") is True
    assert actions.do_react(third, post, "bravo") is False
    with pytest.raises(ValidationError):
        actions.do_react(third, post, "bof")
    [decorated] = queries.decorate_posts([post], neighbour)
    counts = {r["kind"]: (r["count"], r["mine"]) for r in decorated.reaction_list}
    assert counts == {
        "merci": (2, True),
        "bravo": (0, False),
        "aussi": (0, False),
    }
    assert Reaction.objects.count() == 2
    last = Event.objects.filter(event="post.reactions").last()
    assert last.data["item"] == f"reactions-{post.pk}"


def test_block_hides_both_ways_and_refuses_comments(member, neighbour):
    theirs = post_as(neighbour, "Chez Paul")
    mine = post_as(member, "Chez Anne")
    actions.do_follow(member, "member", neighbour.pk)
    actions.do_block(member, neighbour)
    assert [p.pk for p in queries.town_feed(member).items] == [mine.pk]
    assert [p.pk for p in queries.town_feed(neighbour).items] == [theirs.pk]
    with pytest.raises(ValidationError):
        actions.check_add_comment(neighbour, mine, body="Hé", client_key=key())
    with pytest.raises(ValidationError):
        actions.do_react(neighbour, mine, "merci")
    # Blocking ends the follow, and a blocked member cannot follow back.
    assert not queries.my_feed(member).items[0].author_id == neighbour.pk
    with pytest.raises(ValidationError):
        actions.do_follow(neighbour, "member", member.pk)
    actions.do_unblock(member, neighbour)
    assert len(queries.town_feed(member).items) == 2


def test_mute_hides_from_the_muter_only(member, neighbour):
    post_as(neighbour, "Bruyant")
    post_as(member, "Calme")
    actions.do_mute(member, neighbour)
    assert [p.body for p in queries.town_feed(member).items] == ["Calme"]
    assert len(queries.town_feed(neighbour).items) == 2
    actions.do_unmute(member, neighbour)
    assert len(queries.town_feed(member).items) == 2


def test_my_feed_shows_what_i_follow(member, neighbour, far_neighbour):
    post_as(neighbour, "De Paul")
    zoe = post_as(
        far_neighbour,
        "De Zoé, dans son quartier",
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=far_neighbour.household.neighbourhood_id,
    )
    post_as(member, "De moi")
    assert [p.body for p in queries.my_feed(member).items] == ["De moi"]
    actions.do_follow(member, "member", neighbour.pk)
    actions.do_follow(member, "neighbourhood", zoe.neighbourhood_id)
    assert [p.body for p in queries.my_feed(member).items] == [
        "De moi",
        "De Zoé, dans son quartier",
        "De Paul",
    ]
    with pytest.raises(ValidationError):
        actions.do_follow(member, "challenge", 1)
    with pytest.raises(ValidationError):
        actions.do_follow(member, "member", member.pk)


def test_another_town_is_out_of_reach(member, stranger):
    post = post_as(stranger, "Ailleurs")
    assert queries.town_feed(member).items == []
    with pytest.raises(ValidationError):
        actions.do_follow(member, "member", stranger.pk)
    with pytest.raises(ValidationError):
        actions.check_add_comment(member, post, body="Coucou", client_key=key())


def test_an_author_edits_a_post_and_deletes_a_comment(member, neighbour):
    post = post_as(member, "Premier jet")
    with pytest.raises(PermissionDenied):
        actions.check_edit_post(neighbour, post, body="Pirate", content_warning="")
    actions.check_edit_post(member, post, body="Version @Paul M.", content_warning="")
    post.refresh_from_db()
    assert post.body == "Version @Paul M." and post.edited_at is not None
    assert post.mentions == [{"id": neighbour.pk, "name": "Paul M."}]
    updated = Event.objects.filter(event="post.updated").last()
    assert "(modifié)" in updated.data["html"]
    comment = actions.check_add_comment(neighbour, post, body="Bof", client_key=key())
    with pytest.raises(PermissionDenied):
        actions.do_delete_comment(member, comment)
    actions.do_delete_comment(neighbour, comment)
    post.refresh_from_db()
    assert post.comment_count == 0
    assert queries.post_comments(member, post) == []

"""The feed's written-out card query (feeds/queries/post_cards.py) answers the
same snapshots as the cards made from model objects (`feeds.cards.post_card`
after `decorate_posts`), for every kind of post, in one query."""

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from community.models import Referent
from feeds import actions
from feeds.access import hidden_author_ids
from feeds.actions import posts as post_actions
from feeds.actions import social
from feeds.cards import comment_card, post_card
from feeds.models import Post, PostImage
from feeds.queries import decorate_posts, post_comments
from feeds.queries.post_cards import comment_cards, post_cards
from tests.factories import make_member, make_staff
from tests.feeds.conftest import key, png, post_as

pytestmark = pytest.mark.django_db


def orm_card(post_id: int, viewer):
    post = (
        Post.objects.select_related("author__referent", "neighbourhood")
        .prefetch_related(
            Prefetch("images", queryset=PostImage.objects.order_by("position"))
        )
        .get(pk=post_id)
    )
    return post_card(decorate_posts([post], viewer)[0])


def test_every_kind_of_post_reads_as_the_orm_reads_it(
    town, neighbourhood, member, neighbour
):
    adviser = make_member(town, neighbourhood=neighbourhood, display_name="Élise")
    Referent.objects.create(
        town=town, member=adviser, title="Conseillère", domains=["water", "energy"]
    )
    former = make_member(town, neighbourhood=neighbourhood, display_name="Ancien")
    Referent.objects.create(
        town=town, member=former, title="Plus actif", domains=["waste"], active=False
    )
    neighbour.avatar = "avatars/paul.jpg"
    neighbour.save(update_fields=["avatar"])
    plain = post_as(member, "Un message simple")
    with_pictures = post_as(
        neighbour,
        "Deux photos @Élise",
        images=[png(), png((80, 40))],
        image_alts=["Le composteur", ""],
        target="neighbourhood",
        neighbourhood_id=neighbourhood.pk,
        content_warning="Photos d'insectes",
    )
    by_adviser = post_as(adviser, "Purgez vos radiateurs")
    by_former = post_as(former, "Ancien conseil")
    actions.check_edit_post(
        member, plain, body="Un message simple, corrigé", content_warning=""
    )
    actions.do_react(member, with_pictures, "merci")
    actions.do_react(neighbour, with_pictures, "merci")
    actions.do_react(neighbour, with_pictures, "bravo")
    actions.check_add_comment(member, by_adviser, body="Merci !", client_key=key())
    ids = [p.pk for p in (plain, with_pictures, by_adviser, by_former)]

    for viewer in (member, neighbour, adviser):
        with CaptureQueriesContext(connection) as queries:
            cards = post_cards(ids, viewer.pk)
        assert len(queries.captured_queries) == 1
        for post_id in ids:
            assert cards[post_id] == orm_card(post_id, viewer), post_id
    cards = post_cards(ids, member.pk)
    assert cards[by_adviser.pk].author.referent.title == "Conseillère"
    assert cards[by_former.pk].author.referent is None
    assert [p.alt_text for p in cards[with_pictures.pk].images] == [
        "Le composteur",
        "",
    ]
    mine = {r.kind: (r.count, r.mine) for r in cards[with_pictures.pk].reaction_list}
    assert mine["merci"] == (2, True) and mine["bravo"] == (1, False)
    assert cards[plain.pk].edited_at is not None
    assert cards[by_adviser.pk].comment_count == 1


def test_labels_follow_the_request_language(member):
    post = post_as(member, "Bonjour")
    with translation.override("en"):
        english = post_cards([post.pk], member.pk)[post.pk]
        assert english == orm_card(post.pk, member)
    french = post_cards([post.pk], member.pk)[post.pk]
    assert english.reaction_list != french.reaction_list
    assert french == orm_card(post.pk, member)


def test_no_ids_no_query(member):
    with CaptureQueriesContext(connection) as queries:
        assert post_cards([], member.pk) == {}
    assert queries.captured_queries == []


def test_comments_read_as_the_orm_reads_them(town, neighbourhood, member, neighbour):
    adviser = make_member(town, neighbourhood=neighbourhood, display_name="Élise")
    Referent.objects.create(
        town=town, member=adviser, title="Conseillère", domains=["energy"]
    )
    muted = make_member(town, neighbourhood=neighbourhood, display_name="Bruyant")
    moderator = make_staff(town, "moderator")
    post = post_as(neighbour, "Qui a un escabeau ?")

    def comment(author, body, parent=None):
        return actions.check_add_comment(
            author,
            post,
            body=body,
            client_key=key(),
            parent_id=parent.pk if parent else None,
        )

    first = comment(member, "Moi @Élise")
    comment(adviser, "Attention aux chutes", first)
    comment(neighbour, "Merci !", first)
    second = comment(adviser, "Et un casque")
    comment(muted, "Hors sujet", second)
    gone = comment(muted, "Encore hors sujet")
    hidden = comment(member, "Masqué par la modération")
    comment(neighbour, "Réponse à un masqué", hidden)
    post_actions.do_hide_comment(moderator, hidden)
    social.do_mute(member, muted)
    post.refresh_from_db()

    for viewer in (member, neighbour, adviser):
        hidden_ids = hidden_author_ids(viewer)
        with CaptureQueriesContext(connection) as queries:
            cards = comment_cards(post.pk, viewer.pk, hidden_ids)
        assert len(queries.captured_queries) == 1
        orm = [
            comment_card(c, viewer.pk)
            for c in post_comments(viewer, post, hidden=hidden_ids)
        ]
        assert cards == orm
    cards = comment_cards(post.pk, member.pk, hidden_author_ids(member))
    assert [c.body for c in cards] == ["Moi @Élise", "Et un casque"]
    assert [r.body for r in cards[0].reply_list] == [
        "Attention aux chutes",
        "Merci !",
    ]
    assert cards[0].by_viewer and not cards[1].by_viewer
    assert cards[1].reply_list == ()  # the muted author's reply
    assert cards[1].author.referent.title == "Conseillère"
    neighbours = comment_cards(post.pk, neighbour.pk, hidden_author_ids(neighbour))
    assert gone.pk in {c.pk for c in neighbours}


def test_the_post_row_reads_as_the_orm_reads_it(
    town, neighbourhood, member, neighbour, stranger
):
    from django.http import Http404

    from feeds.queries import access_post

    post = post_as(neighbour, "Visible", content_warning="Attention")
    row = access_post(member, post.pk, card=False)
    orm = Post.objects.get(pk=post.pk)
    fields = [field.attname for field in Post._meta.concrete_fields]
    assert [getattr(row, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert not row._state.adding
    elsewhere = post_as(stranger, "Autre commune")
    removed = post_as(neighbour, "Supprimée")
    actions.do_delete_post(neighbour, removed)
    for other in (elsewhere, removed):
        with pytest.raises(Http404):
            access_post(member, other.pk, card=False)
    own = post_as(member, "De ma part")
    social.do_block(member, neighbour)
    with pytest.raises(Http404):
        access_post(member, post.pk, card=False)
    with pytest.raises(Http404):
        access_post(neighbour, own.pk, card=False)  # blocked either way
    assert access_post(neighbour, post.pk, card=False).pk == post.pk  # their own

"""Cards kept per snapshot (feeds/cards.py): a page read twice renders no card
again, and nothing is stale after any change a card shows, through the real
HTTP paths; live copies still come from the same templates."""

import re

import pytest
from django.urls import reverse

from community import roles
from feeds import actions, cards, rendering
from feeds.models import Post
from moderation import actions as moderation_actions
from moderation import items
from moderation.models import ReportGroup
from tests.factories import make_member, make_staff
from tests.feeds.conftest import key, png, post_as

pytestmark = pytest.mark.django_db

# What differs between two readings of one page: the masked CSRF token and the
# form's fresh client key.
CSRF_VALUE = re.compile(r'name="(?:csrfmiddlewaretoken|client_key)" value="[^"]+"')


def card(html: str, post: Post) -> str:
    """The `<article>` of one post in a page."""
    match = re.search(
        rf'<article class="post" id="post-{post.pk}".*?</article>', html, re.S
    )
    assert match, f"post {post.pk} not on the page"
    return match.group(0)


def feed(client) -> str:
    response = client.get(reverse("feeds:town"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture(autouse=True)
def fresh_cards():
    cards.forget_cards()
    yield
    cards.forget_cards()


def test_a_page_read_again_renders_no_card_and_looks_the_same(
    client, member, neighbour
):
    post = post_as(neighbour, "Des graines à donner")
    actions.check_add_comment(member, post, body="Merci !", client_key=key())
    client.force_login(member.user)
    for url in (reverse("feeds:town"), reverse("feeds:post", args=[post.pk])):
        first = client.get(url).content.decode()
        misses = cards._rendered.cache_info().misses
        second = client.get(url).content.decode()
        assert cards._rendered.cache_info().misses == misses
        assert CSRF_VALUE.sub("", first) == CSRF_VALUE.sub("", second)
        cards.forget_cards()
        cold = client.get(url).content.decode()
        assert CSRF_VALUE.sub("", cold) == CSRF_VALUE.sub("", second)


def test_each_kept_card_gets_this_requests_token_and_path(client, member, neighbour):
    post = post_as(neighbour, "Un vélo à prêter")
    client.force_login(member.user)
    feed(client)
    response = client.get(reverse("feeds:town") + "?x=1&y='2'")
    html = card(response.content.decode(), post)
    assert "<!--" not in html
    token = str(response.context["csrf_token"])
    assert f'name="csrfmiddlewaretoken" value="{token}"' in html
    assert 'name="next" value="/fil/commune/?x=1&amp;y=&#x27;2&#x27;"' in html
    # The kept form works: its token is this session's.
    client_with_checks = client.__class__(enforce_csrf_checks=True)
    client_with_checks.cookies = client.cookies
    answer = client_with_checks.post(
        reverse("feeds:react", args=[post.pk]),
        {"kind": "merci", "csrfmiddlewaretoken": token, "next": "/fil/commune/"},
    )
    assert answer.status_code == 302
    assert 'aria-pressed="true"' in card(feed(client), post)


def test_the_author_and_a_reader_share_no_controls(client, member, neighbour):
    post = post_as(neighbour, "Ma publication")
    client.force_login(member.user)
    as_reader = card(feed(client), post)
    client.force_login(neighbour.user)
    as_author = card(feed(client), post)
    assert "Signaler" in as_reader and "data-owner-only" not in as_reader
    assert "Signaler" not in as_author and "data-owner-only" in as_author
    # Without JavaScript the page is the viewer's; with it, a live copy holds
    # both, marked, and the page keeps one by its `data-feeds-member`.
    assert "data-others-only" in as_reader and "data-others-only" not in as_author


def test_an_edit_shows_at_once(client, member, neighbour):
    post = post_as(neighbour, "Avant")
    client.force_login(member.user)
    assert "Avant" in card(feed(client), post)
    client.force_login(neighbour.user)
    client.post(
        reverse("feeds:edit", args=[post.pk]),
        {"body": "Après", "content_warning": ""},
    )
    client.force_login(member.user)
    shown = card(feed(client), post)
    assert "Après" in shown and "Avant" not in shown and "(modifié)" in shown


def test_reactions_show_at_once_with_each_readers_own(client, member, neighbour):
    post = post_as(neighbour, "Composteur réparé")
    client.force_login(member.user)
    assert '<span class="count">0</span>' in card(feed(client), post)
    client.post(reverse("feeds:react", args=[post.pk]), {"kind": "bravo"})
    mine = card(feed(client), post)
    assert re.search(r'value="bravo"[^>]*aria-pressed="true">Bravo <span', mine)
    client.force_login(neighbour.user)
    theirs = card(feed(client), post)
    assert re.search(r'value="bravo"[^>]*aria-pressed="false">Bravo <span', theirs)
    assert 'Bravo <span class="count">1</span>' in theirs
    client.force_login(member.user)
    client.post(reverse("feeds:react", args=[post.pk]), {"kind": "bravo"})
    assert 'Bravo <span class="count">0</span>' in card(feed(client), post)


def test_a_comment_shows_at_once_in_the_count_and_on_the_post_page(
    client, member, neighbour
):
    post = post_as(neighbour, "Qui a une échelle ?")
    client.force_login(member.user)
    page = reverse("feeds:post", args=[post.pk])
    assert "0 commentaire" in card(feed(client), post)
    client.get(page)
    client.post(
        reverse("feeds:comment", args=[post.pk]),
        {"body": "Moi !", "client_key": key()},
    )
    assert "1 commentaire" in card(feed(client), post)
    top = post.comments.get()
    client.force_login(neighbour.user)
    client.post(
        reverse("feeds:comment", args=[post.pk]),
        {"body": "Merci, je passe", "client_key": key(), "parent": top.pk},
    )
    client.force_login(member.user)
    html = client.get(page).content.decode()
    assert "Merci, je passe" in html and "2 commentaires" in html


def test_a_hidden_post_goes_and_a_restored_one_comes_back(client, member, neighbour):
    post = post_as(neighbour, "Publicité")
    client.force_login(member.user)
    assert f'id="post-{post.pk}"' in feed(client)
    moderation_actions.check_report(member, "post", post.pk, reason="spam")
    group = ReportGroup.objects.get()
    client.force_login(make_staff(member.town, roles.MODERATOR))
    decide = reverse("moderation_decide", args=[group.pk])
    client.post(decide, {"action": "hide", "reason": "Publicité"})
    client.force_login(member.user)
    assert f'id="post-{post.pk}"' not in feed(client)
    client.force_login(make_staff(member.town, roles.MODERATOR))
    client.post(decide, {"action": "edit", "reason": "Lien retiré", "body": "Sobre"})
    client.post(decide, {"action": "restore", "reason": "Pas une publicité"})
    client.force_login(member.user)
    shown = card(feed(client), post)
    assert "Sobre" in shown and "Publicité" not in shown


def test_a_muted_or_blocked_author_goes_at_once(client, member, neighbour):
    post = post_as(neighbour, "Bonjour")
    client.force_login(member.user)
    assert f'id="post-{post.pk}"' in feed(client)
    relation = reverse("feeds:member_relation", args=[neighbour.pk])
    client.post(relation, {"action": "mute"})
    assert f'id="post-{post.pk}"' not in feed(client)
    client.post(relation, {"action": "unmute"})
    assert f'id="post-{post.pk}"' in feed(client)
    client.post(relation, {"action": "block"})
    assert f'id="post-{post.pk}"' not in feed(client)
    assert client.get(reverse("feeds:post", args=[post.pk])).status_code == 404


def test_a_muted_commenter_goes_from_the_post_page(client, member, neighbour):
    post = post_as(member, "Question")
    actions.check_add_comment(neighbour, post, body="Réponse à taire", client_key=key())
    client.force_login(member.user)
    page = reverse("feeds:post", args=[post.pk])
    assert "Réponse à taire" in client.get(page).content.decode()
    client.post(
        reverse("feeds:member_relation", args=[neighbour.pk]), {"action": "mute"}
    )
    assert "Réponse à taire" not in client.get(page).content.decode()


def test_the_language_switch_changes_the_kept_cards(client, member, neighbour):
    post = post_as(neighbour, "Bonjour")
    client.force_login(member.user)
    assert "Signaler" in card(feed(client), post)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = card(feed(client), post)
    assert "Report" in english and "Thanks" in english and "Signaler" not in english
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Signaler" in card(feed(client), post)


def test_an_authors_new_name_and_picture_show_at_once(client, member, neighbour):
    post = post_as(neighbour, "Bonjour")
    actions.check_add_comment(neighbour, post, body="Et re-bonjour", client_key=key())
    client.force_login(member.user)
    page = reverse("feeds:post", args=[post.pk])
    assert "Paul M." in card(feed(client), post)
    assert "Paul M." in client.get(page).content.decode()
    client.force_login(neighbour.user)
    client.post(
        reverse("profile"),
        {"display_name": "Paul Martin", "preferred_language": "fr", "avatar": png()},
    )
    neighbour.refresh_from_db()
    client.force_login(member.user)
    shown = card(feed(client), post)
    assert "Paul Martin" in shown and "Paul M." not in shown
    assert f'src="{neighbour.avatar.url}"' in shown
    comments = client.get(page).content.decode()
    assert comments.count("Paul Martin") >= 2 and "Paul M.<" not in comments


def test_a_sanctioned_reader_gets_counts_not_buttons_from_the_same_post(
    client, member, neighbour
):
    post = post_as(neighbour, "Bonjour")
    client.force_login(member.user)
    assert 'name="kind"' in card(feed(client), post)
    moderation_actions.do_suspend(
        make_staff(member.town, roles.MODERATOR),
        items.load("post", post_as(member, "Hors sujet").pk),
        3,
        "Hors sujet",
    )
    reader = card(feed(client), post)
    assert 'name="kind"' not in reader and '<span class="count">0</span>' in reader


def test_a_live_copy_is_the_page_card_with_every_control(member, neighbour):
    post = post_as(neighbour, "En direct")
    actions.do_react(member, post, "merci")
    post = Post.objects.select_related("author", "neighbourhood").get(pk=post.pk)
    from feeds.queries import decorate_posts

    decorate_posts([post], None)
    live = rendering.render_post(post)
    assert rendering.render_post(post) == live
    assert "<!--" not in live and "csrfmiddlewaretoken" not in live
    assert 'Merci <span class="count">1</span>' in live
    assert "Signaler" in live and "data-owner-only" in live
    assert "data-others-only" in live and 'aria-pressed="true"' not in live
    assert 'name="next" value=""' in live


def test_a_live_copy_is_kept_once_for_every_viewer(client, member, neighbour):
    """Live copies carry no viewer: the author's and a reader's pages leave the
    one kept live card alone, and a live copy after them is the same bytes."""
    post = post_as(neighbour, "En direct pour tous")
    post = Post.objects.select_related("author", "neighbourhood").get(pk=post.pk)
    from feeds.queries import decorate_posts

    decorate_posts([post], None)
    before = rendering.render_post(post)
    for viewer in (member, neighbour):
        client.force_login(viewer.user)
        feed(client)
    assert rendering.render_post(post) == before


def test_a_card_escapes_what_its_snapshot_holds(member, neighbourhood):
    other = make_member(
        member.town, neighbourhood=neighbourhood, display_name="Léa <b>"
    )
    post = post_as(other, "Texte <i>échappé</i> @Anne B.", content_warning="CW <x>")
    post = Post.objects.select_related("author", "neighbourhood").get(pk=post.pk)
    snapshot = cards.post_card(post)
    assert snapshot.author.display_name == "Léa <b>"
    html = rendering.render_post(post)
    assert "Léa &lt;b&gt;" in html and "&lt;i&gt;échappé&lt;/i&gt;" in html
    assert "CW &lt;x&gt;" in html
    assert f'href="/membres/{member.pk}/">@Anne B.</a>' in html

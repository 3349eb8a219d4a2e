"""The page shell and the blank forms kept per process (community/kept.py): a
page read again renders no part, looks the same, and carries this request's
token, path, account id and client key; nothing is stale after a change,
through the real HTTP paths."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from community import kept, roles
from feeds import actions, cards
from feeds.models import Comment, Post
from moderation import actions as moderation_actions
from moderation import items
from moderation.models import Sanction
from tests.factories import make_staff
from tests.feeds.conftest import key, post_as

pytestmark = pytest.mark.django_db

# What differs between two readings of one page: the masked CSRF token and the
# form's fresh client key.
PER_READING = re.compile(r'name="(?:csrfmiddlewaretoken|client_key)" value="[^"]+"')


@pytest.fixture(autouse=True)
def fresh_parts():
    kept.forget_parts()
    cards.forget_cards()
    yield
    kept.forget_parts()


def kept_count() -> int:
    return sum(len(place.parts) for place in list(kept._PLACES))


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def pages(neighbourhood, post) -> list[str]:
    return [
        reverse("feeds:neighbourhood", args=[neighbourhood.slug]),
        reverse("feeds:town"),
        reverse("feeds:mine"),
        reverse("feeds:post", args=[post.pk]),
    ]


def test_a_page_read_again_renders_no_part_and_looks_the_same(
    client, member, neighbour, neighbourhood
):
    post = post_as(neighbour, "Des graines à donner")
    actions.check_add_comment(member, post, body="Merci !", client_key=key())
    client.force_login(member.user)
    for url in pages(neighbourhood, post):
        first = read(client, url)
        parts = kept_count()
        assert parts > 0
        second = read(client, url)
        assert kept_count() == parts, url
        assert PER_READING.sub("", first) == PER_READING.sub("", second)
        kept.forget_parts()
        cold = read(client, url)
        assert PER_READING.sub("", cold) == PER_READING.sub("", second)
        assert "<!--kept:" not in cold and "keptclientkey" not in cold


def test_each_reader_gets_their_own_token_path_account_and_client_key(
    client, member, neighbour, neighbourhood
):
    url = reverse("feeds:neighbourhood", args=[neighbourhood.slug])
    client.force_login(member.user)
    read(client, url)
    parts = kept_count()
    # Another resident with the same flags reads the parts kept for the first.
    client.force_login(neighbour.user)
    response = client.get(url + "?x=1&y='2'")
    html = response.content.decode()
    assert kept_count() == parts
    pk = neighbour.user.pk
    assert f'<meta name="sc-account" content="{pk}">' in html
    assert f'data-live-stream="user:{pk}"' in html
    assert f'data-live-list="user:{pk}"' in html
    assert f"user:{member.user.pk}" not in html
    token = str(response.context["csrf_token"])
    assert html.count(f'name="csrfmiddlewaretoken" value="{token}"') >= 3
    path = f"/quartiers/{neighbourhood.slug}/?x=1&amp;y=&#x27;2&#x27;"
    assert f'name="next" value="{path}"' in html
    client_keys = re.findall(r'name="client_key" value="([0-9a-f]{32})"', html)
    assert len(client_keys) == 1
    again = read(client, url)
    assert client_keys[0] not in again
    # The kept form works: its token and its client key are this reading's.
    checked = client.__class__(enforce_csrf_checks=True)
    checked.cookies = client.cookies
    answer = checked.post(
        reverse("feeds:create"),
        {
            "csrfmiddlewaretoken": token,
            "client_key": client_keys[0],
            "body": "Depuis le formulaire gardé",
            "where": f"neighbourhood:{neighbourhood.pk}",
            "domain": "",
            "content_warning": "",
            "next": url,
        },
    )
    assert answer.status_code == 302
    assert Post.objects.get(client_key=client_keys[0]).author_id == neighbour.pk


def test_the_menu_follows_the_language_the_unread_count_and_permissions(
    client, member, neighbour, neighbourhood, town
):
    url = reverse("feeds:neighbourhood", args=[neighbourhood.slug])
    client.force_login(member.user)
    html = read(client, url)
    assert "Se déconnecter" in html and "Administration" not in html
    assert '<span id="notification-badge" hidden></span>' in html
    # Language: the switcher, through HTTP.
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = read(client, url)
    assert '<html lang="en">' in english
    assert "Log out" in english and "Se déconnecter" not in english
    assert 'value="en" lang="en" aria-describedby="lang-label" aria-current' in english
    client.post(reverse("set_language"), {"language": "fr", "next": url})
    assert "Se déconnecter" in read(client, url)
    # Unread count: a comment on the member's post notifies them.
    post = post_as(member, "Qui a une perceuse ?")
    actions.check_add_comment(neighbour, post, body="Moi !", client_key=key())
    badge = re.search(
        r'<span id="notification-badge"[^>]*>(.*?)</span>', read(client, url)
    )
    assert badge and badge.group(1).startswith("1")
    client.post(reverse("feeds:notifications_read"), {"all": "1"})
    assert '<span id="notification-badge" hidden></span>' in read(client, url)
    # A permission given: the admin link shows on the next page.
    member.user.user_permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    assert '<a href="/admin/">Administration</a>' in read(client, url)
    # A visitor sees the sign-in links, not the member's.
    client.logout()
    home = client.get("/").content.decode()
    assert "Se connecter" in home and "Se déconnecter" not in home
    assert '<meta name="sc-account" content="">' in home


def test_the_town_title_in_the_shell_follows_a_rename(
    client, member, neighbourhood, town
):
    url = reverse("feeds:neighbourhood", args=[neighbourhood.slug])
    client.force_login(member.user)
    assert f'<a class="brand" href="/">{town.title}<span' in read(client, url)
    town.title = "Nouveau-Nom"
    town.save()
    assert '<a class="brand" href="/">Nouveau-Nom<span' in read(client, url)


def test_the_forms_follow_a_sanction_and_its_lifting(
    client, member, neighbour, neighbourhood, town
):
    post = post_as(neighbour, "Une publication")
    urls = [
        reverse("feeds:neighbourhood", args=[neighbourhood.slug]),
        reverse("feeds:post", args=[post.pk]),
    ]
    client.force_login(member.user)
    for url in urls:
        html = read(client, url)
        assert 'name="body"' in html and 'id="post-form-refused"' not in html
    moderator = make_staff(town, roles.MODERATOR)
    moderation_actions.do_suspend(
        moderator, items.load("member", member.pk), 3, "Pause"
    )
    feed = read(client, urls[0])
    assert (
        'id="post-form-refused"' in feed
        and 'action="/publications/nouvelle/"' not in feed
    )
    detail = read(client, urls[1])
    assert 'id="comment-refused"' in detail and 'name="body"' not in detail
    Sanction.objects.filter(member=member).delete()
    for url in urls:
        html = read(client, url)
        assert 'name="body"' in html and '-refused"' not in html


def test_a_reply_form_and_a_refused_form_are_the_readers_own(
    client, member, neighbour, neighbourhood
):
    post = post_as(neighbour, "Une question")
    comment = actions.check_add_comment(neighbour, post, body="Oui ?", client_key=key())
    client.force_login(member.user)
    url = reverse("feeds:post", args=[post.pk])
    plain = read(client, url)
    assert (
        'name="parent" id="id_parent"' in plain
        and "Répondre au commentaire" not in plain
    )
    reply = read(client, f"{url}?repondre={comment.pk}")
    assert f'name="parent" value="{comment.pk}"' in reply
    # A refused comment (empty) is shown with its error and the text kept.
    answer = client.post(
        reverse("feeds:comment", args=[post.pk]),
        {"body": "", "client_key": "cle-vide", "parent": ""},
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'value="cle-vide"' in html and "form-errors" in html
    assert Comment.objects.filter(post=post).count() == 1


def test_the_feeds_menu_is_each_readers_neighbourhood(
    client, member, far_neighbour, neighbourhood
):
    client.force_login(member.user)
    mine = read(client, reverse("feeds:town"))
    assert f'href="/quartiers/{neighbourhood.slug}/">Mon quartier' in mine
    assert 'href="/fil/commune/" aria-current="page"' in mine
    client.force_login(far_neighbour.user)
    theirs = read(client, reverse("feeds:town"))
    slug = far_neighbour.household.neighbourhood.slug
    assert f'href="/quartiers/{slug}/">Mon quartier' in theirs
    assert f'href="/quartiers/{neighbourhood.slug}/">Mon quartier' not in theirs
    assert 'href="/fil/" aria-current="page"' in read(client, reverse("feeds:mine"))

"""A resident browsing the feeds: pages, pagination, query counts, scoping."""

import re

import pytest
from django.urls import reverse

from community import roles
from feeds import actions
from feeds.models import Post, PostTarget
from realtime.models import Event
from tests.factories import make_member, make_staff
from tests.feeds.conftest import jpeg_with_gps, key, post_as

pytestmark = pytest.mark.django_db

# The same bound for 5 and 40 items: a page's queries do not grow with its length.
MAX_QUERIES = 20


def _fill(author, reader, count: int, **target) -> None:
    for number in range(count):
        post = post_as(author, f"Publication {number} @Anne B.", **target)
        actions.do_react(reader, post, "merci")
        actions.check_add_comment(reader, post, body="Bravo", client_key=key())


def _post_ids(response) -> list[int]:
    return [
        int(i)
        for i in re.findall(
            r'<article class="post" id="post-(\d+)"', response.content.decode()
        )
    ]


@pytest.mark.parametrize("count", [5, 40])
def test_list_pages_run_a_bounded_number_of_queries(
    client, member, neighbour, neighbourhood, count, django_assert_max_num_queries
):
    _fill(
        neighbour,
        member,
        count,
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=neighbourhood.pk,
    )
    post_as(neighbour, "Avec image", images=[jpeg_with_gps()])
    actions.do_follow(member, "member", neighbour.pk)
    client.force_login(member.user)
    urls = [
        reverse("feeds:town"),
        reverse("feeds:mine"),
        reverse("feeds:neighbourhood", args=[neighbourhood.slug]),
        reverse("feeds:member", args=[neighbour.pk]),
        reverse("feeds:notifications"),
    ]
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == 200, url
    assert len(_post_ids(client.get(reverse("feeds:town")))) == min(count + 1, 20)


@pytest.mark.parametrize("count", [5, 40])
def test_the_post_page_runs_a_bounded_number_of_queries(
    client, member, neighbour, count, django_assert_max_num_queries
):
    post = post_as(member, "Qui veut des graines ?")
    for number in range(count):
        top = actions.check_add_comment(
            neighbour, post, body=f"Moi {number}", client_key=key()
        )
        actions.check_add_comment(
            member, post, body="D'accord", client_key=key(), parent_id=top.pk
        )
    client.force_login(member.user)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("feeds:post", args=[post.pk]))
    body = response.content.decode()
    assert body.count('class="comment"') == 2 * count
    assert f'data-feeds-list="comments-{post.pk}-{top.pk}"' in body


def test_pagination_walks_by_cursor_without_overlap(client, member, neighbour):
    for number in range(45):
        post_as(neighbour, f"N° {number}")
    client.force_login(member.user)
    seen: list[int] = []
    url = reverse("feeds:town")
    pages = 0
    while url:
        response = client.get(url)
        ids = _post_ids(response)
        seen += ids
        pages += 1
        match = re.search(
            r'href="(\?avant=[^"]+)" rel="next"', response.content.decode()
        )
        url = reverse("feeds:town") + match.group(1) if match else None
    assert pages == 3
    assert len(seen) == len(set(seen)) == 45
    assert seen == sorted(seen, reverse=True)
    # A garbled cursor is the first page, not an error.
    assert (
        client.get(reverse("feeds:town") + "?avant=n'importe-quoi").status_code == 200
    )


def test_the_first_page_subscribes_to_its_stream_for_live_items(
    client, member, neighbourhood
):
    client.force_login(member.user)
    body = client.get(
        reverse("feeds:neighbourhood", args=[neighbourhood.slug])
    ).content.decode()
    stream = f"neighbourhood:{neighbourhood.pk}"
    assert f'data-live-stream="{stream}"' in body
    assert f'data-live-list="{stream}"' in body
    assert "js/live.js" in body and "feeds/feeds.js" in body


def test_hidden_deleted_and_other_town_posts_are_invisible(
    client, town, member, neighbour, stranger
):
    visible = post_as(neighbour, "Visible")
    deleted = post_as(neighbour, "Supprimée")
    hidden = post_as(neighbour, "Masquée")
    foreign = post_as(stranger, "Ailleurs")
    actions.do_delete_post(neighbour, deleted)
    actions.do_hide_post(make_staff(town, roles.MODERATOR), hidden)
    client.force_login(member.user)
    assert _post_ids(client.get(reverse("feeds:town"))) == [visible.pk]
    for post in (deleted, hidden, foreign):
        assert client.get(reverse("feeds:post", args=[post.pk])).status_code == 404
    assert client.get(reverse("feeds:member", args=[stranger.pk])).status_code == 404
    foreign_slug = stranger.household.neighbourhood.slug
    assert (
        client.get(reverse("feeds:neighbourhood", args=[foreign_slug])).status_code
        == 404
    )


def test_a_blocked_member_profile_is_a_404_both_ways(client, member, neighbour):
    actions.do_block(neighbour, member)
    client.force_login(member.user)
    assert client.get(reverse("feeds:member", args=[neighbour.pk])).status_code == 404


def test_pages_need_a_signed_in_member(client, member):
    response = client.get(reverse("feeds:town"))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_posting_without_javascript_redirects_and_shows_the_post(client, member):
    client.force_login(member.user)
    page = client.get(reverse("feeds:town")).content.decode()
    client_key = re.search(r'name="client_key" value="([^"]+)"', page).group(1)
    data = {
        "body": "Troc de plantes dimanche",
        "where": "town",
        "client_key": client_key,
        "next": reverse("feeds:town"),
    }
    response = client.post(reverse("feeds:create"), data)
    assert response.status_code == 302 and response["Location"] == reverse("feeds:town")
    # The browser resends the form (back button, double click): stored once.
    client.post(reverse("feeds:create"), data)
    assert Post.objects.filter(body="Troc de plantes dimanche").count() == 1
    assert (
        "Troc de plantes dimanche" in client.get(reverse("feeds:town")).content.decode()
    )


def test_commenting_and_reacting_without_javascript(client, member, neighbour):
    post = post_as(neighbour, "Des œufs frais")
    client.force_login(member.user)
    url = reverse("feeds:comment", args=[post.pk])
    response = client.post(url, {"body": "J'en veux !", "client_key": key()})
    assert response.status_code == 302
    response = client.post(reverse("feeds:react", args=[post.pk]), {"kind": "bravo"})
    assert response.status_code == 302
    body = client.get(reverse("feeds:post", args=[post.pk])).content.decode()
    assert "J&#x27;en veux !" in body
    assert re.search(r'value="bravo"[^>]*aria-pressed="true"', body)


def test_follow_mute_and_block_from_the_profile(client, member, neighbour):
    post_as(neighbour, "Bonjour")
    client.force_login(member.user)
    url = reverse("feeds:member_relation", args=[neighbour.pk])
    client.post(url, {"action": "follow"})
    assert len(_post_ids(client.get(reverse("feeds:mine")))) == 1
    client.post(url, {"action": "mute"})
    assert _post_ids(client.get(reverse("feeds:mine"))) == []
    client.post(url, {"action": "unmute"})
    client.post(url, {"action": "block"})
    assert _post_ids(client.get(reverse("feeds:town"))) == []
    client.force_login(neighbour.user)
    assert client.get(reverse("feeds:member", args=[member.pk])).status_code == 404


def test_a_member_of_another_town_gets_no_feed_here(client, stranger, member):
    client.force_login(stranger.user)
    assert client.get(reverse("feeds:town")).status_code == 404


def test_the_nav_shows_the_unread_badge(client, member, neighbour):
    post = post_as(member, "Coucou")
    actions.do_react(neighbour, post, "merci")
    client.force_login(member.user)
    body = client.get(reverse("feeds:town")).content.decode()
    assert f'data-live-stream="user:{member.user_id}"' in body
    assert re.search(r'id="notification-badge" class="badge">1<', body)


def test_no_unread_notification_shows_no_badge_at_all(client, member, neighbour):
    # The challenges' pages style every `.badge` with a border: an empty badge
    # showed there as a dark dash, and was an empty element in the link.
    client.force_login(member.user)
    for url in (reverse("feeds:town"), reverse("challenges:dashboard")):
        body = client.get(url).content.decode()
        link = re.search(r'<a href="/notifications/"[^>]*>(.*?)</a>', body, re.S)
        assert link is not None, url
        # The header's link: a bell icon, the word, then the live badge.
        content = re.sub(r">\s+<", "><", link.group(1))
        assert ">Notifications</span>" in content
        assert content.endswith(
            f'<span data-live-list="user:{member.user_id}">'
            '<span id="notification-badge" hidden></span></span>'
        )
    # The live badge sent once all are read is the same hidden, empty element.
    post = post_as(member, "Coucou")
    actions.do_react(neighbour, post, "merci")
    actions.do_mark_all_notifications_read(member)
    badge = Event.objects.filter(stream=f"user:{member.user_id}").last()
    assert badge.data["html"].strip() == '<span id="notification-badge" hidden></span>'


def test_a_new_neighbourhood_post_names_its_neighbourhood(
    client, member, far_neighbour
):
    other = far_neighbour.household.neighbourhood
    post_as(
        make_member(member.town, neighbourhood=other),
        "Là-bas",
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=other.pk,
    )
    client.force_login(member.user)
    body = client.get(reverse("feeds:town")).content.decode()
    assert reverse("feeds:neighbourhood", args=[other.slug]) in body

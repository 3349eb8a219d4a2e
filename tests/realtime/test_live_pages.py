"""Mon fil and member profiles are live: they listen to their town's stream and
keep what they list; a signed-in page looks its member up once; the navigation's
permission links cost one small query, not every permission of the user."""

import html
import json
import re

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import roles
from community.models import Member
from feeds import actions
from feeds.models import FollowKind, PostTarget
from feeds.queries.notifications import NotificationGroup
from realtime.groups import town_stream
from realtime.queries import latest_event_id
from tests.factories import make_staff
from tests.realtime.conftest import (
    connected,
    make_neighbourhood,
    realtime_db,
    receive,
    subscribe,
)


def _signed_in(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _live_attributes(body: str) -> dict:
    """The live attributes of the page's post list."""
    # The feed's list, not the navigation's badge (`user:<id>`).
    found = re.search(
        r'data-live-list="((?!user:)[^"]+)"(?: data-live-match="([^"]*)")?', body
    )
    assert found, "the page has no live list"
    since = re.search(r'data-live-since="(\d+)"', body)
    return {
        "stream": found[1],
        "match": json.loads(html.unescape(found[2])) if found[2] else None,
        "since": int(since[1]) if since else None,
    }


def _post(author: Member, body: str, **target) -> int:
    return actions.check_create_post(
        author, body=body, client_key=f"cle-{body}", **target
    ).pk


@pytest.mark.django_db
def test_mon_fil_listens_to_the_town_and_keeps_what_the_member_follows(
    town, member, neighbour
):
    followed_place = make_neighbourhood(town, "Le Port")
    actions.do_follow(member, FollowKind.MEMBER, neighbour.pk)
    actions.do_follow(member, FollowKind.NEIGHBOURHOOD, followed_place.pk)
    _post(neighbour, "Avant l'ouverture de la page")

    live = _live_attributes(
        _signed_in(member).get(reverse("feeds:mine")).content.decode()
    )

    assert live["stream"] == town_stream(town.pk)
    assert live["since"] == latest_event_id(town_stream(town.pk)) > 0
    assert sorted(live["match"]["author_id"]) == sorted([member.pk, neighbour.pk])
    assert live["match"]["neighbourhood_id"] == [followed_place.pk]
    assert live["match"]["challenge_id"] == []


@pytest.mark.django_db
def test_a_profile_listens_to_the_town_for_that_members_posts_on_its_first_page(
    town, member, neighbour
):
    client = _signed_in(member)
    url = reverse("feeds:member", args=[neighbour.pk])

    live = _live_attributes(client.get(url).content.decode())
    later_page = client.get(url + "?avant=1.1").content.decode()

    assert live["stream"] == town_stream(town.pk)
    assert live["match"] == {"author_id": [neighbour.pk]}
    # Live items go on top of the first page only, as on the feeds.
    assert f'data-live-stream="{town_stream(town.pk)}"' not in later_page


@realtime_db
@pytest.mark.asyncio
async def test_the_town_stream_carries_what_mon_fil_matches_on(member, neighbour):
    """Every post reaches the town stream with the keys of `data-live-match`."""
    place = await database_sync_to_async(make_neighbourhood)(member.town, "Le Port")
    socket = await connected(member.user)
    await subscribe(socket, town_stream(member.town_id))

    post_id = await database_sync_to_async(_post)(
        neighbour,
        "Dans un quartier que je suis",
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=place.pk,
    )
    frame = await receive(socket)
    await socket.disconnect()

    assert frame["stream"] == town_stream(member.town_id)
    assert frame["event"] == "post.created"
    assert frame["data"]["post_id"] == post_id
    assert frame["data"]["author_id"] == neighbour.pk
    assert frame["data"]["neighbourhood_id"] == place.pk
    assert frame["data"]["challenge_id"] is None
    assert f'id="post-{post_id}"' in frame["data"]["html"]


@realtime_db
@pytest.mark.asyncio
async def test_a_member_of_another_town_cannot_listen_to_this_towns_posts(
    member, stranger
):
    socket = await connected(stranger.user)
    await socket.send_json_to(
        {"op": "subscribe", "stream": town_stream(member.town_id), "since": None}
    )
    answer = await receive(socket)
    await socket.disconnect()

    assert answer["op"] == "error" and answer["code"] == "forbidden"


def _member_lookups(queries: list[dict]) -> list[str]:
    """Queries that fetch the signed-in user's member profile (alone, or with
    the user: community/auth.py)."""
    return [
        q["sql"]
        for q in queries
        if (
            'FROM "community_member"' in q["sql"]
            and 'WHERE "community_member"."user_id" =' in q["sql"]
        )
        or 'JOIN "community_member" m ON m.user_id = u.id' in q["sql"]
    ]


@pytest.mark.django_db
def test_a_feed_page_looks_the_member_up_once_and_loads_no_permission_list(
    member, neighbourhood
):
    client = _signed_in(member)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("feeds:neighbourhood", args=[neighbourhood.slug]))

    assert response.status_code == 200
    assert len(_member_lookups(captured.captured_queries)) == 1
    permission_queries = [
        q["sql"] for q in captured.captured_queries if "auth_permission" in q["sql"]
    ]
    assert len(permission_queries) == 1  # the navigation's two permissions only
    assert 'href="/admin/"' not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "tour", "admin"),
    [(roles.AMBASSADOR, True, False), (roles.MODERATOR, False, True)],
)
def test_the_navigation_shows_the_links_of_the_users_permissions(
    town, role, tour, admin
):
    user = make_staff(town, role)
    body = _signed_in(user.member).get(reverse("feeds:town")).content.decode()

    assert (reverse("ambassadors:home") in body) is tour
    assert ('href="/admin/"' in body) is admin
    assert user.has_perm("ambassadors.doorstep") is tour
    assert user.has_perm("wagtailadmin.access_admin") is admin


@pytest.mark.django_db
def test_a_superuser_gets_the_admin_link_and_an_inactive_user_nothing(town):
    from community.queries import nav_permissions

    boss = make_staff(town, roles.MODERATOR)
    boss.is_superuser = True
    boss.save(update_fields=["is_superuser"])
    body = _signed_in(boss.member).get(reverse("feeds:town")).content.decode()
    gone = User(username="parti", is_active=False)

    assert 'href="/admin/"' in body
    assert reverse("ambassadors:home") not in body
    assert nav_permissions(gone) == {"ambassador_tour": False, "admin": False}


@pytest.mark.parametrize(
    ("kind", "names", "expected"),
    [
        ("follow", ["Anne B."], "Anne B.\n    vous suit."),
        (
            "follow",
            ["Anne B.", "Paul M.", "Zoé L."],
            "Anne B. et 2 autres\n    vous suivent.",
        ),
        ("message", ["Anne B.", "Paul M."], "Anne B. et 1 autre\n    vous ont écrit."),
        ("reaction", ["Anne B.", "Paul M."], "ont réagi à votre publication"),
        ("reaction", ["Anne B."], "a réagi à votre publication"),
    ],
)
def test_a_grouped_notification_agrees_with_how_many_did_it(kind, names, expected):
    group = NotificationGroup(
        kind=kind, url="/", excerpt="", unread=True, timestamp=None, actor_names=names
    )
    text = render_to_string("feeds/includes/notification_text.html", {"group": group})

    assert expected in text

"""A challenge's own feed: its posts, feeds' form fixed to it, cursor pages, live."""

import uuid

import pytest
from channels.db import database_sync_to_async
from django.shortcuts import resolve_url
from django.urls import reverse

from feeds.actions import check_create_post
from feeds.models import Post, PostTarget
from realtime.groups import challenge_stream
from realtime.queries import latest_event_id
from tests.challenges.test_leaderboard import TIMEOUT, _connect, _live_setup, _subscribe
from tests.factories import NeighbourhoodFactory, make_member, make_town

pytestmark = pytest.mark.django_db


def post_to(author, challenge, body: str | None = None) -> Post:
    return check_create_post(
        author,
        body=body or f"Message {uuid.uuid4().hex[:6]}",
        client_key=uuid.uuid4().hex,
        target=PostTarget.CHALLENGE,
        challenge_id=challenge.pk,
    )


def authors(town, count: int) -> list:
    # One author per post: the post rate limit counts per member.
    neighbourhood = NeighbourhoodFactory(town=town)
    return [make_member(town, neighbourhood=neighbourhood) for _ in range(count)]


def test_the_feed_lists_the_challenge_posts_with_the_form_fixed_to_it(
    client, town, member, challenge
):
    mine = post_to(member, challenge, "On coupe l'eau en se savonnant !")
    check_create_post(
        member, body="Ailleurs dans la commune", client_key=uuid.uuid4().hex
    )
    client.force_login(member.user)

    response = client.get(challenge.url + "fil/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="post-{mine.pk}"' in html
    assert "coupe l&#x27;eau" in html or "coupe l'eau" in html
    assert "Ailleurs dans la commune" not in html
    assert f'action="{reverse("feeds:create")}"' in html
    assert f'name="where" value="challenge:{challenge.pk}"' in html
    assert f'data-live-stream="{challenge_stream(challenge.pk)}"' in html
    # The challenge page shows the latest posts and links to the whole feed.
    page = client.get(challenge.url).content.decode()
    assert f'id="post-{mine.pk}"' in page
    assert f'href="{challenge.url}fil/"' in page


def test_posting_from_the_feed_comes_back_to_it(client, member, challenge):
    client.force_login(member.user)
    form = client.get(challenge.url + "fil/").context["form"]
    response = client.post(
        reverse("feeds:create"),
        {
            "body": "Premier jour du défi",
            "where": f"challenge:{challenge.pk}",
            "client_key": form.initial["client_key"],
            "next": challenge.url + "fil/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == challenge.url + "fil/"
    post = Post.objects.get(author=member)
    assert (post.target, post.challenge_id) == (PostTarget.CHALLENGE, challenge.pk)
    assert f'id="post-{post.pk}"' in client.get(challenge.url + "fil/").content.decode()


def test_the_feed_pages_with_a_cursor(client, settings, town, member, challenge):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "FEED_PAGE_SIZE": 2}
    posts = [post_to(author, challenge) for author in authors(town, 5)]
    client.force_login(member.user)
    seen: list[int] = []
    url = challenge.url + "fil/"
    for _ in range(3):
        response = client.get(url)
        page = response.context["posts"]
        seen += [post.pk for post in page.items]
        if page.next_cursor is None:
            break
        assert 'rel="next"' in response.content.decode()
        if url.endswith("fil/"):
            # Live items on top of the first page only.
            assert response.context["live_stream"] == challenge_stream(challenge.pk)
        url = challenge.url + f"fil/?avant={page.next_cursor}"
    assert seen == [post.pk for post in reversed(posts)]
    assert page.next_cursor is None
    assert response.context["live_stream"] is None  # a later page: no live items


def test_the_feed_and_the_page_run_a_bounded_number_of_queries(
    client, town, member, challenge, django_assert_max_num_queries
):
    for author in authors(town, 2):
        post_to(author, challenge)
    client.force_login(member.user)

    def count(url: str) -> int:
        with django_assert_max_num_queries(60) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = (count(challenge.url + "fil/"), count(challenge.url))
    for author in authors(town, 12):
        post_to(author, challenge)
    many = (count(challenge.url + "fil/"), count(challenge.url))
    assert many == few


def test_only_members_of_the_town_read_it(client, settings, challenge):
    url = challenge.url + "fil/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(resolve_url(settings.LOGIN_URL))
    elsewhere = make_town("Autre", hostname="autre.test")
    stranger = make_member(
        elsewhere, neighbourhood=NeighbourhoodFactory(town=elsewhere)
    )
    client.force_login(stranger.user)
    assert client.get(url).status_code == 404


def test_an_ended_challenge_shows_its_feed_without_the_form(
    client, member, challenge_index, action_type
):
    from tests.challenges.conftest import make_challenge

    ended = make_challenge(
        challenge_index, [action_type], start_in_days=-30, length_days=5
    )
    client.force_login(member.user)
    response = client.get(ended.url + "fil/")
    assert response.status_code == 200
    assert response.context["form"] is None
    assert 'name="where"' not in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_a_post_to_the_challenge_arrives_live_on_its_stream():
    challenge, _action, actor, watcher, _stranger = await database_sync_to_async(
        _live_setup
    )()
    stream = challenge_stream(challenge.pk)
    since = await database_sync_to_async(latest_event_id)(stream)
    socket = await _connect(watcher.user)
    try:
        assert await _subscribe(socket, stream, since) is None
        post = await database_sync_to_async(post_to)(actor, challenge, "En direct")
        frame = await socket.receive_json_from(timeout=TIMEOUT)
    finally:
        await socket.disconnect()
    assert frame["stream"] == stream
    assert f"post-{post.pk}" in frame["data"]["html"]
    assert "En direct" in frame["data"]["html"]

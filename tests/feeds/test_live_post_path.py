"""A new post's way to its live frame (issue 14): what runs before the send, in
which order, and a frame that is the card a reload renders."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feeds import rendering
from feeds.models import Post, PostTarget
from feeds.queries import decorate_posts
from realtime import publish as publishing
from realtime.groups import neighbourhood_stream, town_stream
from realtime.models import Event
from tests.feeds.conftest import jpeg_with_gps, key, png, post_as

pytestmark = pytest.mark.django_db


def _recorded(monkeypatch, capture: CaptureQueriesContext) -> list[tuple[list, int]]:
    """The streams of each trip of live sends, in order, and the queries run
    before it."""
    trips: list[tuple[list, int]] = []
    send = publishing.send_live_all

    def recorded(messages: list[dict]) -> None:
        trips.append(([m["stream"] for m in messages], len(capture)))
        send(messages)

    monkeypatch.setattr(publishing, "send_live_all", recorded)
    return trips


def test_a_new_post_reaches_its_live_send_in_seven_queries_in_this_order(
    member, neighbourhood, monkeypatch, django_capture_on_commit_callbacks
):
    with (
        CaptureQueriesContext(connection) as capture,
        django_capture_on_commit_callbacks(execute=True),
    ):
        trips = _recorded(monkeypatch, capture)
        post = post_as(
            member,
            "Qui a vu mon chat ?",
            target=PostTarget.NEIGHBOURHOOD,
            neighbourhood_id=neighbourhood.pk,
        )

    # Both frames in one trip to the event loop, the town's first.
    streams = [town_stream(member.town_id), neighbourhood_stream(neighbourhood.pk)]
    assert [trip[0] for trip in trips] == [streams]
    before = [query["sql"] for query in capture.captured_queries[: trips[0][1]]]
    # The client key, the author's référent badge (the card shows it) and the
    # target in one query (feeds/queries/new_post.py), the trust check (one
    # query: moderation.trust); in the action's
    # transaction (a savepoint here: the test's transaction is around it) the
    # post, then both streams' numbers in one statement and both events in one
    # insert. No reaction or picture is read back for a post made in this
    # transaction.
    expected = [
        ("client_key", '"community_referent"', '"community_neighbourhood"'),
        ("is_staff", "sanction_kind"),
        ("SAVEPOINT",),
        ('INSERT INTO "feeds_post"',),
        ('INSERT INTO "realtime_stream"', "ON CONFLICT"),
        ('INSERT INTO "realtime_event"',),
        ("RELEASE SAVEPOINT",),
    ]
    assert len(before) == len(expected), before
    for sql, parts in zip(before, expected, strict=True):
        assert all(part in sql for part in parts), (parts, sql)
    assert Post.objects.filter(pk=post.pk).exists()


def test_the_live_card_of_a_new_post_is_the_card_of_the_post_read_back(
    member, neighbourhood
):
    post = post_as(
        member,
        "Mon potager @Anne B. https://example.org",
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=neighbourhood.pk,
        images=[jpeg_with_gps(), png()],
        image_alts=["Les tomates", ""],
    )
    frames = [
        event.data["html"]
        for event in Event.objects.filter(event="post.created").order_by("id")
    ]

    again = (
        Post.objects.select_related("author", "neighbourhood")
        .prefetch_related("images")
        .get(pk=post.pk)
    )
    decorate_posts([again], None)
    expected = rendering.render_post(again)
    assert frames == [expected, expected]
    assert expected.count("<img ") == 2 and "Les tomates" in expected
    assert 'aria-pressed="false"' in expected and ">0</span>" in expected


def test_a_rate_limited_post_writes_and_sends_nothing(
    member, monkeypatch, django_capture_on_commit_callbacks
):
    member.town.post_rate = 2  # the town's count (community.towns.policy)
    with django_capture_on_commit_callbacks(execute=True):
        post_as(member, "Un")
        post_as(member, "Deux")
    sent: list[list[dict]] = []
    monkeypatch.setattr(publishing, "send_live_all", sent.append)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="attendez"),
    ):
        post_as(member, "Trois", client_key=key())
    assert sent == []
    assert Post.objects.filter(author=member).count() == 2
    # The counter is the cache's own: read back as an integer, with an expiry.
    counters = cache._cache.get_client().keys("*feeds:rate:post*")
    assert len(counters) == 1
    assert cache._cache.get_client().get(counters[0]) == b"3"
    assert 0 < cache._cache.get_client().ttl(counters[0]) <= 605

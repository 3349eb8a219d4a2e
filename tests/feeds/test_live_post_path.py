"""A new post's way to its live frame (issue 14): what runs before the send, in
which order, and a frame that is the card a reload renders."""

from dataclasses import replace

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feeds import rendering
from feeds.models import Post, PostTarget
from feeds.queries import decorate_posts
from realtime import publish as publishing
from realtime import rows
from realtime.groups import neighbourhood_stream, town_stream
from realtime.models import Event, Stream
from tests.feeds.conftest import jpeg_with_gps, key, png, post_as
from tests.realtime.conftest import realtime_db

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


def test_a_new_post_reaches_its_live_send_in_five_queries_in_this_order(
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
    # The client key, the post's id to be, the author's référent badge (the
    # card shows it) and the target in one query (feeds/queries/new_post.py),
    # the trust check (one query: moderation.trust); then the post, both
    # streams' numbers and both events in one statement, in a savepoint here
    # (the test's transaction is around it; outside any, the statement is its
    # own transaction: test_a_new_post_outside_a_transaction_…). No reaction or
    # picture is read back for a new post.
    expected = [
        ("client_key", "nextval", '"community_referent"', '"community_neighbourhood"'),
        ("is_staff", "sanction_kind"),
        ("SAVEPOINT",),
        (
            'INSERT INTO "feeds_post"',
            'INSERT INTO "realtime_stream"',
            "ON CONFLICT",
            'INSERT INTO "realtime_event"',
        ),  # fmt: skip
        ("RELEASE SAVEPOINT",),
    ]
    assert len(before) == len(expected), before
    for sql, parts in zip(before, expected, strict=True):
        assert all(part in sql for part in parts), (parts, sql)
    assert Post.objects.filter(pk=post.pk).exists()


def _commits(monkeypatch) -> list[str]:
    """Every BEGIN (autocommit switched off) and COMMIT of the connection."""
    seen: list[str] = []
    set_autocommit, commit = connection.set_autocommit, connection.commit

    def recorded_set_autocommit(autocommit: bool, *args, **kwargs) -> None:
        if not autocommit:
            seen.append("BEGIN")
        set_autocommit(autocommit, *args, **kwargs)

    def recorded_commit() -> None:
        seen.append("COMMIT")
        commit()

    monkeypatch.setattr(connection, "set_autocommit", recorded_set_autocommit)
    monkeypatch.setattr(connection, "commit", recorded_commit)
    return seen


@realtime_db
def test_a_new_post_outside_a_transaction_is_one_statement_then_its_live_send(
    member, neighbourhood, monkeypatch
):
    """No BEGIN and no COMMIT before the frame leaves: the post and its events
    are one statement, which PostgreSQL commits as it returns."""
    with CaptureQueriesContext(connection) as capture:
        trips = _recorded(monkeypatch, capture)
        transactions = _commits(monkeypatch)
        at_send: list[list[str]] = []
        send = publishing.send_live_all
        monkeypatch.setattr(
            publishing,
            "send_live_all",
            lambda messages: (at_send.append(list(transactions)), send(messages)),
        )
        post = post_as(
            member,
            "En direct, sans détour",
            target=PostTarget.NEIGHBOURHOOD,
            neighbourhood_id=neighbourhood.pk,
        )

    streams = [town_stream(member.town_id), neighbourhood_stream(neighbourhood.pk)]
    assert [trip[0] for trip in trips] == [streams]
    assert trips[0][1] == 3  # the read, the trust check, the write
    assert at_send == [[]]  # no transaction opened before the send
    write = capture.captured_queries[2]["sql"]
    assert write.startswith("WITH") and write.count("INSERT INTO") == 3
    # Committed with its events: another connection sees them.
    events = list(
        Event.objects.filter(stream__in=streams).values_list("stream", "seq", "data")
    )
    assert [(stream, seq) for stream, seq, _data in events] == [
        (streams[0], 1),
        (streams[1], 1),
    ]
    assert all(data["post_id"] == post.pk for _stream, _seq, data in events)
    again = (
        Post.objects.select_related("author", "neighbourhood")
        .prefetch_related("images")
        .get(pk=post.pk)
    )
    decorate_posts([again], None)
    assert events[1][2]["html"] == rendering.render_post(again)
    # Its post_save handlers ran after the send (the search index's sync).
    from search.models import SearchEntry

    assert SearchEntry.objects.filter(kind="post", object_id=post.pk).exists()


@realtime_db
def test_a_client_key_stored_meanwhile_writes_no_second_post_nor_event(
    member, neighbourhood, monkeypatch
):
    """The one statement fails whole: no post, no stream number, no event."""
    from feeds.actions import posts as post_actions
    from feeds.queries import new_post

    first = post_as(member, "Une fois", client_key="cle-course")
    numbers = dict(Stream.objects.values_list("name", "last_seq"))
    events = Event.objects.count()
    read = new_post.read_before_post

    def raced(*args, **kwargs):
        # As if the concurrent retry committed just after this read.
        return replace(read(*args, **kwargs), existing_id=None)

    monkeypatch.setattr(post_actions, "read_before_post", raced)
    sent: list[list[dict]] = []
    monkeypatch.setattr(publishing, "send_live_all", sent.append)

    again = post_as(member, "Une fois", client_key="cle-course")

    assert again.pk == first.pk
    assert sent == []
    assert Post.objects.filter(author=member).count() == 1
    assert dict(Stream.objects.values_list("name", "last_seq")) == numbers
    assert Event.objects.count() == events


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


def test_publish_new_row_refuses_what_it_cannot_write_and_writes_nothing(
    member, neighbourhood
):
    def new_post(**fields) -> Post:
        return Post(
            town_id=member.town_id,
            author=member,
            target=PostTarget.TOWN,
            body="Refusé",
            client_key=key(),
            **fields,
        )

    stream = town_stream(member.town_id)
    last = Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for row, streams, event in (
        (new_post(), [stream], "post.created"),  # no id given
        (new_post(pk=last + 100), [], "post.created"),
        (new_post(pk=last + 100), [stream, stream], "post.created"),
        (new_post(pk=last + 100), ["town:x"], "post.created"),
        (new_post(pk=last + 100), [stream], "reload"),
    ):
        with pytest.raises(ValueError), rows.one_statement():
            rows.publish_new_row(row, streams, event, {})
    assert not Post.objects.filter(body="Refusé").exists()
    assert not Event.objects.exists()

"""`publish()`: logged with its cause, sent after commit, never lost to Redis."""

import logging
import threading
from datetime import date

import pytest
from channels.db import database_sync_to_async
from django.db import connection, transaction
from django.test import override_settings

from realtime.groups import town_stream, user_stream
from realtime.models import Event, Stream
from realtime.publish import publish, publish_to_each, sends_first

from .conftest import (
    connected,
    dead_channel_layers,
    event_frame,
    handled,
    publish_now,
    realtime_db,
    receive,
    send_subscribe,
)


@pytest.mark.asyncio
@realtime_db
async def test_redis_down_at_publish_time_delays_the_event_but_loses_nothing(
    member, caplog
):
    stream = town_stream(member.town_id)

    with (
        override_settings(CHANNEL_LAYERS=dead_channel_layers()),
        caplog.at_level(logging.ERROR, logger="realtime.publish"),
    ):
        event = await database_sync_to_async(publish_now)(
            stream, "post.created", {"html": "<p>Pendant la panne</p>"}
        )

    stored = await database_sync_to_async(Event.objects.get)(pk=event.pk)
    assert stored.data == {"html": "<p>Pendant la panne</p>"}
    assert any(
        record.levelno == logging.ERROR and str(event.id) in record.getMessage()
        for record in caplog.records
    )
    # Redis is back: the client that resumes gets the event from the log.
    socket = await connected(member.user)
    await send_subscribe(socket, stream, since=event.id - 1)
    assert await receive(socket) == event_frame(event)
    await handled(socket)
    await socket.disconnect()


@realtime_db
def test_publish_outside_a_transaction_is_refused(member):
    # Without a transaction the event would be sent before (or without) its
    # cause being committed, and the stream's lock would not be held.
    with pytest.raises(transaction.TransactionManagementError):
        publish(user_stream(member.user_id), "notification.created", {})
    assert not Event.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stream", "event"),
    [
        ("town:abc", "post.created"),
        ("town:1; DROP", "post.created"),
        ("town:1", ""),
        ("town:1", "Post Created"),
        ("town:1", "x" * 65),
        ("town:1", "reload"),
        ("weather:1", "post.created"),
    ],
)
def test_publish_refuses_malformed_names(stream, event):
    with transaction.atomic(), pytest.raises(ValueError):
        publish(stream, event, {})
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_published_data_is_stored_as_plain_json(member):
    with transaction.atomic():
        event = publish(
            user_stream(member.user_id),
            "notification.created",
            {"on": date(2026, 9, 1)},
        )
    event.refresh_from_db()
    assert event.data == {"on": "2026-09-01"}


@pytest.mark.django_db
def test_events_of_a_stream_are_numbered_without_holes(member, other_town):
    stream = town_stream(member.town_id)
    other = town_stream(other_town.pk)
    with transaction.atomic():
        first = publish(stream, "post.created", {})
        publish(other, "post.created", {})
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(stream, "post.created", {})
        raise RuntimeError("rolled back with its cause")
    with transaction.atomic():
        second = publish(stream, "post.created", {})

    assert (first.seq, second.seq) == (1, 2)
    assert Stream.objects.get(name=stream).last_seq == 2
    assert Stream.objects.get(name=other).last_seq == 1


@realtime_db
def test_two_transactions_publishing_to_one_stream_commit_in_id_order(member):
    """The second publisher waits for the first to commit: ids follow commits."""
    stream = town_stream(member.town_id)
    first_published = threading.Event()
    release_first = threading.Event()
    ids: dict[str, int] = {}
    first_committed_when_second_published: list[bool] = []

    def first() -> None:
        try:
            with transaction.atomic():
                ids["first"] = publish(stream, "post.created", {}).id
                first_published.set()
                release_first.wait(5)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_published.wait(5)
            with transaction.atomic():
                ids["second"] = publish(stream, "post.created", {}).id
                # Read committed: a new statement sees the first event only if
                # its transaction committed before publish() returned here.
                first_committed_when_second_published.append(
                    Event.objects.filter(pk=ids["first"]).exists()
                )
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_published.wait(5)
    # The second publisher is blocked on the stream's row for as long as the
    # first transaction stays open.
    threads[1].join(0.5)
    assert threads[1].is_alive()
    release_first.set()
    for thread in threads:
        thread.join(10)

    assert first_committed_when_second_published == [True]
    assert ids["first"] < ids["second"]
    seqs = list(Event.objects.filter(stream=stream).values_list("seq", flat=True))
    assert seqs == [1, 2]


def _recording_sends(monkeypatch, order: list[str]) -> None:
    """Record each live send (then send it) in `order`."""
    from realtime import publish as publishing

    send = publishing._send_with_missed

    async def recorded(layer, message: dict) -> None:
        order.append(f"live {message['stream']} {message['seq']}")
        await send(layer, message)

    monkeypatch.setattr(publishing, "_send_with_missed", recorded)


@realtime_db
def test_sends_first_sends_before_the_commit_hooks_registered_after_it(
    member, monkeypatch
):
    order: list[str] = []
    _recording_sends(monkeypatch, order)
    stream = town_stream(member.town_id)

    with transaction.atomic(), sends_first():
        transaction.on_commit(lambda: order.append("later hook"))
        first = publish(stream, "post.created", {"html": "<p>Un</p>"})
        second = publish(stream, "post.created", {"html": "<p>Deux</p>"})

    assert order == [
        f"live {stream} {first.seq}",
        f"live {stream} {second.seq}",
        "later hook",
    ]


@realtime_db
def test_sends_first_sends_nothing_of_a_rolled_back_savepoint_or_transaction(
    member, monkeypatch
):
    order: list[str] = []
    _recording_sends(monkeypatch, order)
    stream = town_stream(member.town_id)

    with transaction.atomic(), sends_first():
        kept = publish(stream, "post.created", {"html": "<p>Gardé</p>"})
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(stream, "post.created", {"html": "<p>Annulé</p>"})
            raise RuntimeError("the savepoint rolls back")
    with pytest.raises(RuntimeError), transaction.atomic(), sends_first():
        publish(stream, "post.created", {"html": "<p>Annulé aussi</p>"})
        raise RuntimeError("the transaction rolls back")

    assert order == [f"live {stream} {kept.seq}"]
    assert list(Event.objects.filter(stream=stream).values_list("pk", flat=True)) == [
        kept.pk
    ]


@realtime_db
def test_sends_first_outside_a_transaction_is_refused(member):
    with pytest.raises(transaction.TransactionManagementError), sends_first():
        pass


@realtime_db
def test_a_new_post_is_sent_live_before_the_search_index_is_synced(member, monkeypatch):
    # The index's sync is registered by the post's save, before the post is
    # published; subscribers must not wait for it (issue 14).
    from feeds.actions import check_create_post
    from search import indexing

    order: list[str] = []
    _recording_sends(monkeypatch, order)
    sync = indexing.sync

    def recorded_sync(kind, pk, **options):
        order.append(f"index {kind.name} {pk}")
        sync(kind, pk, **options)

    monkeypatch.setattr(indexing, "sync", recorded_sync)

    post = check_create_post(
        member, body="Vite, en direct", client_key="cle-vite-en-direct"
    )

    live = [step for step in order if step.startswith("live ")]
    assert live, order
    assert f"index post {post.pk}" in order
    assert order.index(f"index post {post.pk}") > max(order.index(s) for s in live)


@realtime_db
def test_publish_to_each_logs_numbers_and_sends_as_publish_in_turn_would(
    member, other_town, monkeypatch
):
    order: list[str] = []
    _recording_sends(monkeypatch, order)
    here, there = town_stream(member.town_id), town_stream(other_town.pk)
    with transaction.atomic():
        publish(here, "post.created", {})

    with transaction.atomic(), sends_first():
        first, second = publish_to_each(
            [here, there],
            "post.created",
            {"html": "<p>Deux flux</p>", "on": date(2026, 9, 1)},
            members=[member.pk, None, member.pk],
        )
        transaction.on_commit(lambda: order.append("later hook"))

    assert (first.stream, first.seq, second.stream, second.seq) == (here, 2, there, 1)
    assert first.id < second.id
    assert order == [
        f"live {here} 1",
        f"live {here} 2",
        f"live {there} 1",
        "later hook",
    ]
    stored = Event.objects.filter(pk__in=[first.pk, second.pk]).order_by("id")
    assert [(e.stream, e.seq, e.event, e.data, e.members) for e in stored] == [
        (stream, seq, "post.created", {"html": "<p>Deux flux</p>", "on": "2026-09-01"},
         [member.pk])
        for stream, seq in ((here, 2), (there, 1))
    ]  # fmt: skip


@realtime_db
def test_publish_to_each_rolled_back_or_refused_sends_and_numbers_nothing(
    member, other_town, monkeypatch
):
    order: list[str] = []
    _recording_sends(monkeypatch, order)
    here, there = town_stream(member.town_id), town_stream(other_town.pk)

    with transaction.atomic(), sends_first():
        with pytest.raises(RuntimeError), transaction.atomic():
            publish_to_each([here, there], "post.created", {})
            raise RuntimeError("the savepoint rolls back")
    with pytest.raises(RuntimeError), transaction.atomic(), sends_first():
        publish_to_each([here, there], "post.created", {})
        raise RuntimeError("the transaction rolls back")
    for streams, event in (([here, here], "post.created"), ([here, "town:x"], "a")):
        with pytest.raises(ValueError), transaction.atomic():
            publish_to_each(streams, event, {})

    assert order == []
    assert not Event.objects.exists()
    assert not Stream.objects.filter(last_seq__gt=0).exists()


def test_live_sends_of_two_streams_go_at_once_those_of_one_stream_in_order(
    monkeypatch,
):
    """A post's neighbourhood frame does not wait for Redis to answer its town
    frame; two events of one stream still leave one after the other."""
    import asyncio

    from realtime import publish as publishing

    here, there = "town:1", "neighbourhood:2"
    steps: list[tuple[str, str, int]] = []
    there_sent = asyncio.Event()

    class SlowLayer:
        async def group_send(self, group: str, message: dict) -> None:
            steps.append(("start", message["stream"], message["seq"]))
            if message["stream"] == here and message["seq"] == 1:
                # Sent one after the other, this would wait for ever.
                await asyncio.wait_for(there_sent.wait(), 1)
            if message["stream"] == there:
                there_sent.set()
            steps.append(("end", message["stream"], message["seq"]))

    monkeypatch.setattr(publishing, "get_channel_layer", SlowLayer)
    messages = [
        {"stream": here, "seq": 1, "id": 11},
        {"stream": here, "seq": 2, "id": 12},
        {"stream": there, "seq": 1, "id": 13},
    ]
    publishing.send_live_all(messages)

    assert publishing.missed_count() == 0
    assert steps.index(("start", there, 1)) < steps.index(("end", here, 1))
    assert steps.index(("end", here, 1)) < steps.index(("start", here, 2))
    assert len(steps) == 6

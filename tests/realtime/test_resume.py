"""Resume with `since`: every missed event, in order, none twice, or a reload."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from realtime.consumers import RealtimeConsumer
from realtime.groups import StreamName, town_stream
from realtime.models import Event

from .conftest import (
    app_with,
    connected,
    dead_channel_layers,
    event_frame,
    handled,
    publish_now,
    realtime_db,
    receive,
    send_subscribe,
    subscribe,
)

pytestmark = [pytest.mark.asyncio, realtime_db]


def publish_many(stream: str, count: int) -> list[Event]:
    return [publish_now(stream, "post.created", {"n": n}) for n in range(count)]


async def test_a_client_that_comes_back_gets_every_missed_event_in_order(member):
    stream = town_stream(member.town_id)
    socket = await connected(member.user)
    await subscribe(socket, stream)
    seen = await database_sync_to_async(publish_now)(stream, "post.created")
    assert (await receive(socket))["id"] == seen.id
    await socket.disconnect()

    missed = await database_sync_to_async(publish_many)(stream, 5)
    socket = await connected(member.user)
    await send_subscribe(socket, stream, since=seen.id)

    assert [await receive(socket) for _ in missed] == [event_frame(e) for e in missed]
    await handled(socket)
    # Live again, from the next event on, without repeating the replay.
    later = await database_sync_to_async(publish_now)(stream, "post.created")
    assert await receive(socket) == event_frame(later)
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


async def test_since_zero_replays_the_whole_log_and_a_future_id_nothing(member):
    stream = town_stream(member.town_id)
    events = await database_sync_to_async(publish_many)(stream, 3)
    socket = await connected(member.user)

    await send_subscribe(socket, stream, since=0)
    assert [await receive(socket) for _ in events] == [event_frame(e) for e in events]
    await handled(socket)

    await send_subscribe(socket, stream, since=events[-1].id + 1000)
    await handled(socket)
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


class PublishWhileJoining(RealtimeConsumer):
    """Publishes an event right after joining the group, before the replay."""

    async def join(self, name: StreamName) -> None:
        await super().join(name)
        await database_sync_to_async(publish_now)(str(name), "post.between")


async def test_an_event_published_between_join_and_replay_arrives_once(member):
    stream = town_stream(member.town_id)
    before = await database_sync_to_async(publish_many)(stream, 2)
    socket = await connected(member.user, application=app_with(PublishWhileJoining))

    await send_subscribe(socket, stream, since=0)
    frames = [await receive(socket) for _ in range(3)]
    await handled(socket)

    between = await database_sync_to_async(
        lambda: Event.objects.get(stream=stream, event="post.between")
    )()
    assert frames == [event_frame(e) for e in [*before, between]]
    # Its live copy was queued behind the replay and dropped as already sent.
    assert await socket.receive_nothing(0.5)
    await socket.disconnect()


async def test_a_live_event_ahead_of_a_lost_one_brings_the_lost_one_first(member):
    stream = town_stream(member.town_id)
    socket = await connected(member.user)
    await subscribe(socket, stream)

    # Redis unreachable for this publish: logged, never sent live.
    with override_settings(CHANNEL_LAYERS=dead_channel_layers()):
        lost = await database_sync_to_async(publish_now)(stream, "post.created")
    assert await socket.receive_nothing(0.3)
    after = await database_sync_to_async(publish_now)(stream, "post.created")

    assert [await receive(socket), await receive(socket)] == [
        event_frame(lost),
        event_frame(after),
    ]
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


def age_events(stream: str, days: int) -> None:
    Event.objects.filter(stream=stream).update(
        created_at=timezone.now() - timedelta(days=days)
    )


async def test_resuming_from_before_the_retention_gets_a_reload(member):
    stream = town_stream(member.town_id)
    old = await database_sync_to_async(publish_many)(stream, 3)
    await database_sync_to_async(age_events)(stream, 8)
    recent = await database_sync_to_async(publish_now)(stream, "post.created")
    await database_sync_to_async(call_command)("prune_events", verbosity=0)
    socket = await connected(member.user)

    # The client saw the first old event; the two after it are gone.
    await send_subscribe(socket, stream, since=old[0].id)
    assert await receive(socket) == {
        "stream": stream,
        "id": recent.id,
        "event": "reload",
        "data": {},
    }
    await handled(socket)

    # A client that saw every pruned event misses nothing: a plain replay.
    await send_subscribe(socket, stream, since=old[-1].id)
    assert await receive(socket) == event_frame(recent)
    await handled(socket)
    await socket.disconnect()


class SmallReplay(RealtimeConsumer):
    replay_limit = 3


async def test_too_many_missed_events_get_a_reload_instead_of_a_flood(member):
    stream = town_stream(member.town_id)
    events = await database_sync_to_async(publish_many)(stream, 4)
    socket = await connected(member.user, application=app_with(SmallReplay))

    await send_subscribe(socket, stream, since=0)
    assert await receive(socket) == {
        "stream": stream,
        "id": events[-1].id,
        "event": "reload",
        "data": {},
    }
    await handled(socket)
    # Live events continue after the reload point.
    later = await database_sync_to_async(publish_now)(stream, "post.created")
    assert await receive(socket) == event_frame(later)
    await socket.disconnect()

"""The websocket consumer over the real stack: origin check, session auth, Redis."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import transaction

from realtime import streams
from realtime.consumers import CLOSE_UNAUTHENTICATED
from realtime.groups import KINDS, neighbourhood_stream, town_stream, user_stream
from realtime.models import Event
from realtime.publish import publish

from .conftest import (
    connected,
    event_frame,
    handled,
    open_socket,
    publish_now,
    realtime_db,
    receive,
    subscribe,
)

pytestmark = [pytest.mark.asyncio, realtime_db]


async def test_a_member_receives_an_event_of_their_town_after_commit_only(member):
    stream = town_stream(member.town_id)
    socket = await connected(member.user)
    await subscribe(socket, stream)

    def publish_and_look_before_commit() -> tuple[Event, bool]:
        with transaction.atomic():
            event = publish(stream, "post.created", {"html": "<p>Bonjour</p>"})
            silent = async_to_sync(socket.receive_nothing)(0.3)
        return event, silent

    event, silent_before_commit = await database_sync_to_async(
        publish_and_look_before_commit
    )()

    assert silent_before_commit
    assert await receive(socket) == {
        "stream": stream,
        "id": event.id,
        "event": "post.created",
        "data": {"html": "<p>Bonjour</p>"},
    }
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


async def test_an_event_rolled_back_with_its_cause_is_never_sent(member):
    stream = town_stream(member.town_id)
    socket = await connected(member.user)
    await subscribe(socket, stream)

    def publish_then_fail() -> None:
        with transaction.atomic():
            publish(stream, "post.created", {"html": "<p>Annulé</p>"})
            raise RuntimeError("the action failed after publishing")

    with pytest.raises(RuntimeError):
        await database_sync_to_async(publish_then_fail)()
    kept = await database_sync_to_async(publish_now)(stream, "post.created")

    # The next event arrives alone: the rolled-back one left no trace and no hole.
    assert await receive(socket) == event_frame(kept)
    assert await socket.receive_nothing(0.3)
    assert (
        await database_sync_to_async(Event.objects.filter(stream=stream).count)() == 1
    )
    await socket.disconnect()


async def test_a_member_reads_every_neighbourhood_of_their_town(member, neighbour):
    own = neighbourhood_stream(member.household.neighbourhood_id)
    other = neighbourhood_stream(neighbour.household.neighbourhood_id)
    socket = await connected(member.user)
    await subscribe(socket, own)
    await subscribe(socket, other)

    first = await database_sync_to_async(publish_now)(own, "post.created")
    second = await database_sync_to_async(publish_now)(other, "post.created")

    assert [await receive(socket), await receive(socket)] == [
        event_frame(first),
        event_frame(second),
    ]
    await socket.disconnect()


async def test_a_member_reads_their_own_private_stream(member):
    stream = user_stream(member.user_id)
    socket = await connected(member.user)
    await subscribe(socket, stream)

    event = await database_sync_to_async(publish_now)(
        stream, "notification.created", {"unread": 3}
    )

    assert await receive(socket) == event_frame(event)
    await socket.disconnect()


@pytest.mark.parametrize(
    "stream_of",
    [
        pytest.param(lambda member, stranger: user_stream(stranger.user_id), id="user"),
        pytest.param(
            lambda member, stranger: town_stream(stranger.town_id), id="other town"
        ),
        pytest.param(
            lambda member, stranger: neighbourhood_stream(
                stranger.household.neighbourhood_id
            ),
            id="neighbourhood of another town",
        ),
    ],
)
async def test_a_stream_one_may_not_read_is_refused(member, stranger, stream_of):
    stream = stream_of(member, stranger)
    socket = await connected(member.user)
    await socket.send_json_to({"op": "subscribe", "stream": stream, "since": None})

    assert await receive(socket) == {
        "op": "error",
        "code": "forbidden",
        "message": "Vous n'avez pas accès à ce flux.",
        "stream": stream,
    }
    # Refused means not joined: the stream's events never reach this client.
    await database_sync_to_async(publish_now)(stream, "post.created")
    assert await socket.receive_nothing(0.5)
    await socket.disconnect()


async def test_a_neighbourhood_that_does_not_exist_is_refused_like_a_foreign_one(
    member,
):
    missing = await database_sync_to_async(
        lambda: max(n.pk for n in type(member.household.neighbourhood).objects.all())
    )()
    socket = await connected(member.user)
    await socket.send_json_to(
        {"op": "subscribe", "stream": neighbourhood_stream(missing + 1000)}
    )

    assert (await receive(socket))["code"] == "forbidden"
    await socket.disconnect()


async def test_kinds_no_app_serves_and_malformed_names_are_refused(member):
    socket = await connected(member.user)

    # Kinds whose app is not written yet (feeds, challenges), and a made-up one.
    unserved = sorted(k for k in KINDS if streams.read_check(k) is None)
    for kind in [*unserved, "weather"]:
        await socket.send_json_to({"op": "subscribe", "stream": f"{kind}:1"})
        answer = await receive(socket)
        assert (answer["op"], answer["code"], answer["stream"]) == (
            "error",
            "unknown_stream",
            f"{kind}:1",
        )
    await socket.disconnect()

    # A fresh socket: the frames below stay under the per-connection rate limit.
    socket = await connected(member.user)
    for stream in [
        "town:abc",
        "town:01",
        "town:0",
        "town:-3",
        "town:1:2",
        "Town:1",
        " town:1",
        "town",
        "",
        "town:" + "9" * 30,
        "x" * 3000,
        None,
        12,
        ["town:1"],
        {"kind": "town"},
    ]:
        await socket.send_json_to({"op": "subscribe", "stream": stream})
        answer = await receive(socket)
        assert (answer["op"], answer["code"]) == ("error", "bad_request"), stream

    # Still connected, and still served.
    stream = town_stream(member.town_id)
    await subscribe(socket, stream)
    event = await database_sync_to_async(publish_now)(stream, "post.created")
    assert await receive(socket) == event_frame(event)
    await socket.disconnect()


async def test_unsubscribe_stops_the_stream(member):
    stream = town_stream(member.town_id)
    socket = await connected(member.user)
    await subscribe(socket, stream)
    await socket.send_json_to({"op": "unsubscribe", "stream": stream})
    await handled(socket)

    await database_sync_to_async(publish_now)(stream, "post.created")

    assert await socket.receive_nothing(0.5)
    await socket.disconnect()


async def test_an_anonymous_visitor_is_disconnected(town):
    socket = await open_socket(None)
    accepted, _ = await socket.connect()

    assert accepted
    assert await socket.receive_output(timeout=3) == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHENTICATED,
    }
    # A frame that raced the close is refused, not served (nor a crash).
    await socket.send_json_to({"op": "subscribe", "stream": town_stream(town.pk)})
    answer = await receive(socket)
    assert (answer["op"], answer["code"]) == ("error", "forbidden")
    await socket.disconnect()


@pytest.mark.parametrize(
    "origin",
    [b"http://evil.example", b"https://testserver.evil.example", None],
    ids=["other site", "look-alike host", "no origin"],
)
async def test_a_socket_from_another_origin_is_rejected(member, origin):
    socket = await open_socket(member.user, origin=origin)
    accepted, _ = await socket.connect()

    assert not accepted
    await socket.wait()


async def test_an_idle_connection_stays_open_and_keeps_receiving(member):
    """An idle socket outlives the channel layer's 5-second blocking read.

    With redis-py 8 and a Redis host configured without `socket_timeout`, the
    layer's receive dies after 5 idle seconds and takes the connection with it
    (django/channels_redis#422; see the realtime.W001 check).
    """
    stream = town_stream(member.town_id)
    socket = await connected(member.user)
    await subscribe(socket, stream)

    assert await socket.receive_nothing(timeout=7, interval=0.5)
    event = await database_sync_to_async(publish_now)(stream, "post.created")

    assert await receive(socket) == event_frame(event)
    await socket.disconnect()

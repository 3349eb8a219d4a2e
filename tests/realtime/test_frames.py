"""Bad frames and floods: a clear error, the connection kept, nobody else hurt."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from realtime.consumers import RealtimeConsumer
from realtime.groups import neighbourhood_stream, town_stream, user_stream

from .conftest import (
    app_with,
    connected,
    event_frame,
    publish_now,
    realtime_db,
    receive,
    subscribe,
)

pytestmark = [pytest.mark.asyncio, realtime_db]


async def test_malformed_frames_get_bad_request_and_the_connection_stays(
    member, neighbour
):
    stream = town_stream(member.town_id)
    bystander = await connected(neighbour.user)
    await subscribe(bystander, stream)
    socket = await connected(member.user)

    frames = [
        {"text_data": "{not json"},
        {"text_data": "[1, 2, 3]"},
        {"text_data": '"subscribe"'},
        {"text_data": "null"},
        {"text_data": '{"op": "shout", "stream": "town:1"}'},
        {"text_data": '{"stream": "town:1"}'},
        {"text_data": '{"op": "subscribe", "stream": "town:1", "since": "12"}'},
        {"text_data": '{"op": "subscribe", "stream": "town:1", "since": -1}'},
        {"text_data": '{"op": "subscribe", "stream": "town:1", "since": true}'},
        {"text_data": '{"op": "subscribe", "stream": "town:1", "since": 1.5}'},
        {
            "text_data": '{"op": "subscribe", "stream": "town:1", "since": 1'
            + "0" * 30
            + "}"
        },
        {"text_data": "[" * 2000 + "]" * 2000},
        {"text_data": '{"op": "subscribe", "pad": "' + "x" * 5000 + '"}'},
        {"text_data": '{"op": "subscribe", "pad": "' + "é" * 2100 + '"}'},
        {"bytes_data": b'{"op": "subscribe", "stream": "town:1"}'},
    ]
    for frame in frames:
        await socket.send_to(**frame)
        answer = await receive(socket)
        assert answer["op"] == "error", frame
        assert answer["code"] == "bad_request", frame
        assert answer["message"], frame

    # The same connection still subscribes and receives; so does everyone else.
    await subscribe(socket, stream)
    event = await database_sync_to_async(publish_now)(stream, "post.created")
    assert await receive(socket) == event_frame(event)
    assert await receive(bystander) == event_frame(event)
    await socket.disconnect()
    await bystander.disconnect()


async def test_a_flood_of_frames_is_rate_limited_without_closing(member):
    stream = town_stream(member.town_id)
    socket = await connected(member.user)

    # Unsubscribing from a stream one never joined has no answer: the only
    # frames coming back are the rate-limit errors.
    started = asyncio.get_running_loop().time()
    for _ in range(60):
        await socket.send_json_to({"op": "unsubscribe", "stream": stream})
    answers = [await receive(socket)]
    # Drops after an error are reported together a second later.
    while not await socket.receive_nothing(1.5):
        answers.append(await receive(socket))
    elapsed = asyncio.get_running_loop().time() - started
    assert all(a["op"] == "error" and a["code"] == "rate_limited" for a in answers)
    # At most one error a second (a slow machine may spread the burst over more
    # than one), never one per dropped frame; together they count every drop.
    assert len(answers) <= int(elapsed) + 1 < 60 - 20
    assert 0 < sum(a["dropped"] for a in answers) <= 60 - RealtimeConsumer.frame_burst

    # The bucket refills: after a pause, the connection works normally.
    await asyncio.sleep(1.1)
    await subscribe(socket, stream)
    event = await database_sync_to_async(publish_now)(stream, "post.created")
    assert await receive(socket) == event_frame(event)
    await socket.disconnect()


class TwoSubscriptions(RealtimeConsumer):
    max_subscriptions = 2


async def test_subscriptions_beyond_the_limit_are_refused(member):
    socket = await connected(member.user, application=app_with(TwoSubscriptions))
    town = town_stream(member.town_id)
    await subscribe(socket, town)
    await subscribe(socket, user_stream(member.user_id))
    # Subscribing again to a stream already joined does not count twice.
    await subscribe(socket, town)

    third = neighbourhood_stream(member.household.neighbourhood_id)
    await socket.send_json_to({"op": "subscribe", "stream": third})
    answer = await receive(socket)
    assert (answer["code"], answer["stream"]) == ("bad_request", third)

    # Leaving one makes room.
    await socket.send_json_to({"op": "unsubscribe", "stream": town})
    await subscribe(socket, third)
    event = await database_sync_to_async(publish_now)(third, "post.created")
    assert await receive(socket) == event_frame(event)
    await socket.disconnect()

"""The per-process fan-out (realtime/fanout.py) and the consumer's ordered sends.

One channel-layer message per process and event, handed to every local
subscriber; a socket whose send waits does not hold the others up, and its own
frames still go out in order once it drains.
"""

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer

from realtime.consumers import RealtimeConsumer
from realtime.fanout import Hub, hub_for, start
from realtime.publish import MESSAGE_TYPE

pytestmark = pytest.mark.asyncio


class Recorder:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    def live(self, message: dict) -> None:
        self.messages.append(message)


def message(stream: str, seq: int) -> dict:
    return {
        "type": MESSAGE_TYPE,
        "stream": stream,
        "id": 100 + seq,
        "seq": seq,
        "text": f"frame {seq}",
    }


async def until(condition, timeout: float = 2.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_one_layer_message_reaches_every_local_subscriber_once() -> None:
    layer = InMemoryChannelLayer()
    hub = Hub(layer)
    first, second, other = Recorder(), Recorder(), Recorder()
    await hub.join("stream.town.1", first)
    await hub.join("stream.town.1", second)
    await hub.join("stream.town.2", other)
    # The process is in each group once, with the hub's one channel.
    assert layer.groups["stream.town.1"].keys() == {hub.channel}
    assert layer.groups["stream.town.2"].keys() == {hub.channel}

    await layer.group_send("stream.town.1", message("town:1", 1))
    await until(lambda: first.messages and second.messages)
    assert first.messages == second.messages == [message("town:1", 1)]
    assert other.messages == []

    await hub.leave("stream.town.1", first)
    assert "stream.town.1" in layer.groups  # the second still listens
    await hub.leave("stream.town.1", second)
    assert "stream.town.1" not in layer.groups
    await layer.group_send("stream.town.1", message("town:1", 2))
    await layer.group_send("stream.town.2", message("town:2", 1))
    await until(lambda: other.messages)
    assert first.messages == second.messages == [message("town:1", 1)]
    hub.reader.cancel()


async def test_a_failed_join_leaves_no_subscriber_behind() -> None:
    class DeadLayer(InMemoryChannelLayer):
        async def group_add(self, group: str, channel: str) -> None:
            raise OSError("Redis is down")

    hub = Hub(DeadLayer())
    with pytest.raises(OSError):
        await hub.join("stream.town.1", Recorder())
    assert hub.subscribers == {} and hub.joined == set()
    hub.reader.cancel()


async def test_each_event_loop_and_layer_has_its_own_hub() -> None:
    layer = InMemoryChannelLayer()
    assert hub_for(layer) is hub_for(layer)
    assert hub_for(InMemoryChannelLayer()) is not hub_for(layer)


async def test_start_runs_a_coroutine_until_it_waits_and_the_rest_finishes_it() -> None:
    steps: list[str] = []

    async def at_once() -> None:
        steps.append("at once")

    assert start(at_once()) is None
    assert steps == ["at once"]

    gate = asyncio.Event()

    async def waits() -> None:
        steps.append("before")
        await gate.wait()
        await asyncio.sleep(0)
        steps.append("after")

    rest = start(waits())
    assert rest is not None and steps[-1] == "before"
    task = asyncio.create_task(_await(rest))
    await asyncio.sleep(0.01)
    assert not task.done()
    gate.set()
    await task
    assert steps[-1] == "after"

    # Cancelled while it waits: the coroutine sees the cancellation.
    cancelled = []

    async def cancellable() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    task = asyncio.create_task(_await(start(cancellable())))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled == [True]


async def _await(rest) -> None:
    await rest


class FakeConnection:
    """A socket's ASGI send: waits while `blocked` is set, as a full buffer."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.writable = asyncio.Event()
        self.writable.set()

    async def send(self, message: dict) -> None:
        await self.writable.wait()
        self.sent.append(message["text"])


def consumer_on(connection: FakeConnection, stream: str, position: int):
    consumer = RealtimeConsumer()
    consumer.base_send = connection.send
    consumer.positions = {stream: position}
    consumer.held = {}
    consumer.backlog = None
    consumer.tasks = set()
    return consumer


async def test_a_socket_that_does_not_read_holds_up_no_other_and_keeps_its_order():
    slow, fast = FakeConnection(), FakeConnection()
    slow.writable.clear()
    slow_consumer = consumer_on(slow, "town:1", 0)
    fast_consumer = consumer_on(fast, "town:1", 0)

    for seq in (1, 2, 3):
        for consumer in (slow_consumer, fast_consumer):
            consumer.live(message("town:1", seq))
    # Sent at once to the socket with room, from the caller's task.
    assert fast.sent == ["frame 1", "frame 2", "frame 3"]
    assert slow.sent == [] and slow_consumer.backlog == ["frame 2", "frame 3"]

    slow.writable.set()
    await until(lambda: len(slow.sent) == 3)
    assert slow.sent == ["frame 1", "frame 2", "frame 3"]
    await until(lambda: slow_consumer.backlog is None)
    slow_consumer.live(message("town:1", 4))
    assert slow.sent[-1] == "frame 4"


async def test_live_events_of_a_stream_wait_while_it_is_held_then_go_in_order():
    connection = FakeConnection()
    consumer = consumer_on(connection, "town:1", 3)
    hold: list[dict] = []
    consumer.held["town:1"] = hold  # a subscribe's replay is under way
    for seq in (5, 4, 3):
        consumer.live(message("town:1", seq))
    assert connection.sent == [] and len(hold) == 3
    consumer._release("town:1", hold)
    # 3 was already sent (position 3); 4 then 5, in order.
    assert connection.sent == ["frame 4", "frame 5"]
    assert consumer.positions["town:1"] == 5

"""Live events fanned out once per process, to the sockets of that process.

`publish()` sends each event to its stream's channel-layer group. A consumer
does not join that group with its own channel: each server process joins it
once, with one channel of its own (the hub's), and the hub's one task hands
every message to the process's consumers subscribed to the stream
(`RealtimeConsumer.live`). For one event and K sockets of a process, the layer
decodes one message instead of K, and no consumer task wakes up: the frame,
encoded once by `publish()`, is written to each socket from the hub's task.

A socket that does not read (its send waits for the transport's buffer to
drain) must not hold the others up: `start()` runs a send until it finishes or
waits, and what waits is finished in a task of that connection
(`RealtimeConsumer._push`), after which its later frames follow in order.

The join-then-replay order of a subscribe (docs/realtime.md) is kept: a
consumer is among the hub's subscribers of a stream before its replay is
read, and live events of the stream wait in the consumer until it is sent.
"""

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Coroutine, Generator
from typing import Any, Protocol

from realtime.groups import parse_stream
from realtime.publish import MESSAGE_TYPE

logger = logging.getLogger(__name__)
# Seconds before the hub reads again after its channel layer failed.
READ_RETRY_SECONDS = 1.0


class Subscriber(Protocol):
    def live(self, message: dict) -> None: ...


class Hub:
    """One per event loop and channel layer: the local subscribers of each group."""

    def __init__(self, layer) -> None:
        self.layer = layer
        self.subscribers: dict[str, set[Subscriber]] = {}
        # Groups the hub's channel is in, changed under `lock` only: a join
        # and a leave of the same group never interleave their layer calls.
        self.joined: set[str] = set()
        self.lock = asyncio.Lock()
        self.channel: str | None = None
        self.reader: asyncio.Task | None = None
        self.tasks: set[asyncio.Task] = set()

    async def join(self, group: str, subscriber: Subscriber) -> None:
        """Deliver the group's messages to `subscriber`; returns once the
        process is in the group (a layer error propagates)."""
        self.subscribers.setdefault(group, set()).add(subscriber)
        if group in self.joined:
            return
        try:
            async with self.lock:
                if group in self.joined:
                    return
                if self.channel is None:
                    self.channel = await self.layer.new_channel()
                    self.reader = asyncio.get_running_loop().create_task(
                        self._read(self.channel)
                    )
                await self.layer.group_add(group, self.channel)
                self.joined.add(group)
        except BaseException:
            self._forget(group, subscriber)
            raise

    async def leave(self, group: str, subscriber: Subscriber) -> None:
        """Stop delivering to `subscriber`; the last one out leaves the group."""
        if self._forget(group, subscriber):
            await self._leave_if_empty(group)

    def drop(self, subscriber: Subscriber, groups: set[str]) -> None:
        """Forget a connection that ended at once; empty groups are left in a task."""
        for group in groups:
            if self._forget(group, subscriber):
                task = asyncio.get_running_loop().create_task(
                    self._leave_if_empty(group)
                )
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)

    async def _leave_if_empty(self, group: str) -> None:
        async with self.lock:
            if group in self.subscribers or group not in self.joined:
                return
            self.joined.discard(group)
            try:
                await self.layer.group_discard(group, self.channel)
            except Exception as error:
                # Redis away: the process stays subscribed, and drops what
                # comes for a group without subscribers; a later join mends it.
                logger.warning("Leaving %s failed (channel layer): %r", group, error)

    def _forget(self, group: str, subscriber: Subscriber) -> bool:
        """Remove a subscriber at once; True if it was the group's last."""
        subscribers = self.subscribers.get(group)
        if subscribers is None:
            return False
        subscribers.discard(subscriber)
        if subscribers:
            return False
        del self.subscribers[group]
        return True

    async def _read(self, channel: str) -> None:
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis away (the core layer raises; the pub/sub layer waits):
                # what is published meanwhile is in the log, and consumers
                # fill the hole with the stream's next event.
                logger.warning("The live fan-out could not read", exc_info=True)
                await asyncio.sleep(READ_RETRY_SECONDS)
                continue
            self.deliver(message)

    def deliver(self, message: dict) -> None:
        """Hand one live message to every local subscriber of its stream."""
        if message.get("type") != MESSAGE_TYPE:
            return
        group = parse_stream(message["stream"]).group
        for subscriber in tuple(self.subscribers.get(group, ())):
            try:
                subscriber.live(message)
            except Exception:
                # One connection's failure (closing as we write) is its own.
                logger.exception("Live delivery to one connection failed")


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = (
    weakref.WeakKeyDictionary()
)


def hub_for(layer) -> Hub:
    """The hub of the running event loop (a server process) for `layer`."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        # A new layer (tests make one per test) gets a hub of its own.
        hub = _hubs[loop] = Hub(layer)
    return hub


def start(coroutine: Coroutine[Any, Any, None]) -> Awaitable[None] | None:
    """Run `coroutine` until it finishes (None) or waits (what is left of it).

    Python 3.12's eager tasks do this; on 3.11 it is done by hand. A send to a
    socket whose buffer has room finishes at once, with no task created; the
    rare one that waits is finished by awaiting what this returns.
    """
    try:
        waiting_for = coroutine.send(None)
    except StopIteration:
        return None
    return _Rest(coroutine, waiting_for)


class _Rest:
    """The rest of a started coroutine, awaitable once (`yield from` by hand)."""

    def __init__(self, coroutine: Coroutine[Any, Any, None], waiting_for) -> None:
        self.coroutine = coroutine
        self.waiting_for = waiting_for

    def __await__(self) -> Generator[Any, None, None]:
        waiting_for = self.waiting_for
        while True:
            # The awaiting task waits for what the coroutine waits for (a
            # future, or None for a bare yield), then resumes it here.
            try:
                yield waiting_for
            except BaseException as error:  # cancelled while waiting
                try:
                    waiting_for = self.coroutine.throw(error)
                except StopIteration:
                    return
                continue
            try:
                waiting_for = self.coroutine.send(None)
            except StopIteration:
                return

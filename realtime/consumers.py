"""The one websocket consumer, served at `/ws/` (protocol in docs/realtime.md).

The consumer parses frames, asks the stream registry whether the user may read,
joins the stream through its process's hub (realtime/fanout.py) and replays the
log; it holds no domain logic. Channels hands it one client frame at a time.
Live events come from the hub's task instead (`live`), synchronously: a live
event of a stream whose subscribe or gap filling is under way is held until
that is sent, and every frame of the connection goes out through `_push`, in
the order it was decided.

Per-viewer filtering happens here: each connection keeps the ids of the
members its viewer hides (blocked either way, muted; realtime/viewers.py),
read once, and drops every event that concerns one of them (`Event.members`),
live or replayed. The set follows the viewer's blocks and mutes through
`viewer.hides` events of the viewer's private stream, which the connection
listens to from its first subscribe on and never forwards.
"""

import asyncio
import json
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from realtime import queries, streams, viewers
from realtime.fanout import hub_for, start
from realtime.groups import USER, StreamName, parse_stream
from realtime.publish import HIDES_EVENT, RELOAD_EVENT, encode_frame, start_retrier

logger = logging.getLogger(__name__)

# Sent after accepting an anonymous connection: an application close code the
# browser can read (a refused handshake only shows as 1006), so the client
# stops reconnecting instead of retrying forever.
CLOSE_UNAUTHENTICATED = 4401
# RFC 6455 "try again later": the channel layer (Redis) does not answer. The
# browser client reconnects with backoff and resumes from the log with `since`.
CLOSE_TRY_AGAIN_LATER = 1013
# What a channel layer raises when Redis is down or hangs (redis-py's connection
# and timeout errors are RedisErrors; a refused socket can surface as OSError).
LAYER_ERRORS = (RedisError, OSError, TimeoutError)

BAD_REQUEST = "bad_request"
FORBIDDEN = "forbidden"
UNKNOWN_STREAM = "unknown_stream"
RATE_LIMITED = "rate_limited"


class FrameBucket:
    """A token bucket: `rate` frames a second on average, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def take(self) -> bool:
        """Spend one token if there is one."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class RealtimeConsumer(AsyncJsonWebsocketConsumer):
    """Subscriptions to streams over one connection, with resume from the log."""

    # A subscribe frame is well under 200 bytes; 4 KiB leaves room and keeps a
    # client from making the server parse megabytes of JSON.
    max_frame_bytes = 4096
    frames_per_second = 20
    frame_burst = 20
    max_subscriptions = 50
    # Beyond this many missed events the client reloads the page rather than
    # receive them one by one.
    replay_limit = 500
    # Per-viewer filtering, set per connection in `__call__` (defaults for a
    # consumer made by hand, as in tests): see `_watch_hides`.
    hidden: set[int] | None = None
    pending_hides: list[dict] | None = None
    own_stream: str | None = None

    async def __call__(self, scope, receive, send) -> None:
        """Serve one socket; if the channel layer is unreachable, close it with 1013.

        Channels creates the connection's channel (`new_channel`, a Redis
        subscribe with the pub/sub layer) before any handler runs: with Redis
        down that raises and the server answers the handshake with a 500. Here the
        handshake is accepted and closed with "try again later" instead.
        """
        self.accepted = False
        # Groups this connection receives live events of, through the hub.
        self.live_groups: set[str] = set()
        self.tasks: set[asyncio.Task] = set()
        # The members whose events this connection drops; None until read (at
        # the first subscribe). `viewer.hides` events that come while it is
        # read wait in `pending_hides`, then apply over what was read.
        self.hidden: set[int] | None = None
        self.pending_hides: list[dict] | None = None
        # The viewer's private stream, listened to for `viewer.hides`.
        self.own_stream: str | None = None
        try:
            await super().__call__(scope, receive, send)
        except LAYER_ERRORS as error:
            logger.warning("Websocket closed with 1013: channel layer error %r", error)
            await self._close_try_again_later(receive, send)
        finally:
            # However the connection ended (an error out of a handler skips
            # `disconnect`), the hub forgets it.
            for task in list(self.tasks):
                task.cancel()
            if self.live_groups:
                hub_for(self.channel_layer).drop(self, self.live_groups)

    async def _close_try_again_later(self, receive, send) -> None:
        if not self.accepted:
            # Nothing read yet: the first message is the handshake.
            message = await receive()
            if message["type"] != "websocket.connect":
                return
            await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        # stream name -> seq of the last event this client got (or the position
        # its replay was consistent with).
        self.positions: dict[str, int] = {}
        # stream -> live messages that wait for its subscribe or gap filling.
        self.held: dict[str, list[dict]] = {}
        # Frames decided while a send waits for the socket to drain; None when
        # no send waits.
        self.backlog: list[str] | None = None
        self.bucket = FrameBucket(self.frames_per_second, self.frame_burst)
        self.last_rate_error = 0.0
        # Frames refused by the bucket since the last rate_limited error, and
        # the task that reports them when the flood stops.
        self.dropped = 0
        self.drop_report: asyncio.TimerHandle | None = None
        self.authenticated = self.user is not None and self.user.is_authenticated
        await self.accept()
        self.accepted = True
        if self.channel_layer is not None:
            # Live sends that failed in this process (Redis down) go out again
            # from here once the layer answers.
            start_retrier(self.channel_layer)
        if not self.authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def disconnect(self, code: int) -> None:
        if self.drop_report is not None:
            self.drop_report.cancel()
        for stream in {*self.positions, *self.held}:
            await self._leave(stream)

    async def dispatch(self, message: dict) -> None:
        # Channels' `dispatch` first runs `close_old_connections` in the shared
        # sync thread for every message. A client's frames skip it: with the
        # hop, a client sending thousands of frames (each refused by the
        # bucket at once) queued thousands of calls on that one thread, and
        # every socket of the process waited seconds for its next database
        # read. The handlers touch the database only through
        # `database_sync_to_async`, which closes stale connections itself.
        if message["type"] == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs
    ) -> None:
        # Every refusal below answers this client only and keeps its connection:
        # a bad frame is the client's bug, not a reason to drop it.
        if not self.bucket.take():
            await self._rate_limited()
            return
        if text_data is None:
            await self.send_error(
                BAD_REQUEST, _("Seuls les messages texte JSON sont acceptés.")
            )
            return
        if (
            len(text_data) > self.max_frame_bytes
            or len(text_data.encode("utf-8")) > self.max_frame_bytes
        ):
            await self.send_error(BAD_REQUEST, _("Message trop long."))
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
            # RecursionError: "[[[[…" nested deeper than the parser's limit.
            await self.send_error(BAD_REQUEST, _("Message JSON illisible."))
            return
        if not isinstance(content, dict):
            await self.send_error(BAD_REQUEST, _("Le message doit être un objet JSON."))
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict, **kwargs) -> None:
        op = content.get("op")
        if op == "subscribe":
            await self.subscribe(content)
        elif op == "unsubscribe":
            await self.unsubscribe(content)
        else:
            await self.send_error(BAD_REQUEST, _("Opération inconnue."))

    async def subscribe(self, content: dict) -> None:
        """Authorise, join the group, then replay what the client missed."""
        name = await self._parse(content)
        if name is None:
            return
        stream = str(name)
        if not self.authenticated:
            # A frame that raced the close of an anonymous connection.
            await self.send_error(
                FORBIDDEN, _("Connectez-vous pour suivre ce flux."), stream
            )
            return
        since = content.get("since")
        # bool is an int in Python, and `true` is no event id; ids are bigints.
        if since is not None and (type(since) is not int or not 0 <= since < 2**63):
            await self.send_error(
                BAD_REQUEST, _("« since » doit être un numéro d'événement."), stream
            )
            return
        if (
            stream not in self.positions
            and len(self.positions) >= self.max_subscriptions
        ):
            await self.send_error(BAD_REQUEST, _("Trop d'abonnements."), stream)
            return
        check = streams.read_check(name.kind)
        if check is None:
            await self.send_error(UNKNOWN_STREAM, _("Flux inconnu."), stream)
            return
        if not await database_sync_to_async(check)(self.user, name.object_id):
            await self.send_error(
                FORBIDDEN, _("Vous n'avez pas accès à ce flux."), stream
            )
            return
        try:
            await self._watch_hides()
        except LAYER_ERRORS as error:
            logger.warning("Listening to hides failed, closing with 1013: %r", error)
            await self.close(code=CLOSE_TRY_AGAIN_LATER)
            return
        # Join first, then read the log: an event committed in between is both
        # in the replay and held as a live message, and the position check in
        # `live` drops the second copy. The other order would lose it. Live
        # messages of the stream wait in `hold` until the replay is sent (with
        # those a gap filling of a previous subscription held).
        hold = list(self.held.get(stream, ()))
        self.held[stream] = hold
        try:
            await self.join(name)
        except LAYER_ERRORS as error:
            # Without the group this stream would be silent: close, and let the
            # client come back with `since` for every stream once Redis answers.
            logger.warning(
                "Subscribe to %s failed, closing with 1013: %r", stream, error
            )
            self._release(stream, hold, deliver=False)
            await self.close(code=CLOSE_TRY_AGAIN_LATER)
            return
        replay = await database_sync_to_async(queries.replay_since)(
            stream, since, self.replay_limit
        )
        for event in replay.events:
            if self._wanted(event.event, event.members):
                self._push(encode_frame(event.as_message()))
        if replay.reload:
            self._push(
                encode_frame(
                    {
                        "stream": stream,
                        "id": replay.reload_id,
                        "event": RELOAD_EVENT,
                        "data": {},
                    }
                )
            )
        self.positions[stream] = replay.last_seq
        self._release(stream, hold)

    async def unsubscribe(self, content: dict) -> None:
        name = await self._parse(content)
        if name is not None and str(name) in self.positions:
            await self._leave(str(name))

    async def join(self, name: StreamName) -> None:
        """Have this process's hub deliver a stream's events here (a seam for tests)."""
        await hub_for(self.channel_layer).join(name.group, self)
        self.live_groups.add(name.group)

    async def _watch_hides(self) -> None:
        """Once per connection: listen to the viewer's `viewer.hides`, then read
        whom the viewer hides (one query).

        Listening first: a hide committed while the set is read arrives after,
        waits in `pending_hides` and applies over the set read. A connection
        that subscribes to nothing reads nothing.
        """
        if self.own_stream is not None:
            return
        own = StreamName(USER, self.user.pk)
        self.own_stream = str(own)
        self.pending_hides = []
        try:
            await hub_for(self.channel_layer).join(own.group, self)
        except BaseException:
            self.own_stream = None
            raise
        self.live_groups.add(own.group)
        hidden = await database_sync_to_async(viewers.hidden_members)(self.user)
        for message in self.pending_hides:
            self._apply_hides(message, hidden)
        self.pending_hides = None
        self.hidden = hidden

    def _apply_hides(self, message: dict, hidden: set[int]) -> None:
        data = json.loads(message["text"])["data"]
        if data["hidden"]:
            hidden.add(data["member_id"])
        else:
            hidden.discard(data["member_id"])

    def _wanted(self, event: str, members) -> bool:
        """Whether this client gets an event: not a `viewer.hides`, nor about a
        member the viewer hides (a set lookup per connection)."""
        if event == HIDES_EVENT:
            return False
        return not (members and self.hidden and not self.hidden.isdisjoint(members))

    def live(self, message: dict, arrived: bool = True) -> None:
        """A live event from the hub: sent once, in order, with no hole.

        Runs in the hub's task, for every subscriber of the process in turn:
        it decides synchronously and never waits. A `viewer.hides` of the
        viewer changes the connection's filter when it arrives (`arrived`;
        False when a held event is released), in the order of the events
        around it.
        """
        stream = message["stream"]
        if arrived and stream == self.own_stream:
            self._arrived_on_own_stream(message)
        hold = self.held.get(stream)
        if hold is not None:
            hold.append(message)
            return
        last = self.positions.get(stream)
        seq = message["seq"]
        if last is None or seq <= last:
            return
        if seq > last + 1:
            # An earlier event of this stream has not come live (lost while Redis
            # was away, or still on its way from another process): take it from
            # the log, where it is committed since seq N commits after N - 1.
            hold = self.held[stream] = [message]
            self._spawn(self._fill_gap(stream, hold, last, seq))
            return
        self.positions[stream] = seq
        # The per-viewer filter, inline: this runs once per socket and frame.
        members = message.get("members")
        if members:
            hidden = self.hidden
            if hidden and not hidden.isdisjoint(members):
                return
        elif message.get("event") == HIDES_EVENT:
            return
        # Encoded once by `publish()` for every subscriber: forwarded as is.
        self._push(message["text"])

    def _arrived_on_own_stream(self, message: dict) -> None:
        if message.get("event") != HIDES_EVENT:
            return
        if self.pending_hides is not None:
            self.pending_hides.append(message)
        elif self.hidden is not None:
            self._apply_hides(message, self.hidden)

    async def _fill_gap(
        self, stream: str, hold: list[dict], last: int, seq: int
    ) -> None:
        try:
            missing = await database_sync_to_async(queries.events_between)(
                stream, last, seq
            )
        except Exception as error:
            # The database out of reach: as a failed subscribe, "come back".
            logger.warning("Gap filling of %s failed, closing: %r", stream, error)
            await self.close(code=CLOSE_TRY_AGAIN_LATER)
            return
        if self.held.get(stream) is not hold:
            return  # unsubscribed, or subscribed again (its replay covers it)
        for event in missing:
            if event.seq > self.positions[stream]:
                self.positions[stream] = event.seq
                if self._wanted(event.event, event.members):
                    self._push(encode_frame(event.as_message()))
        # What the log had is sent; the event that showed the gap follows it
        # even if the log had less (pruned meanwhile), never a second filling.
        self.positions[stream] = max(self.positions[stream], seq - 1)
        self._release(stream, hold)

    def _release(self, stream: str, hold: list[dict], *, deliver: bool = True) -> None:
        """Stop holding a stream's live messages; send those now due, in order."""
        if self.held.get(stream) is not hold:
            return
        del self.held[stream]
        if deliver:
            for message in sorted(hold, key=lambda m: m["seq"]):
                self.live(message, arrived=False)

    def _push(self, text: str) -> None:
        """Send a frame after every frame pushed before it, without waiting."""
        if self.backlog is not None:
            self.backlog.append(text)
            return
        try:
            rest = start(self.base_send({"type": "websocket.send", "text": text}))
        except Exception as error:
            # The connection is closing: its disconnect cleans up.
            logger.debug("Frame not sent to a closing connection: %r", error)
            return
        if rest is not None:
            # The socket's buffer is full: this send and the frames after it
            # go out from a task of this connection, in order.
            self.backlog = []
            self._spawn(self._drain(rest))

    async def _drain(self, rest) -> None:
        try:
            await rest
            while self.backlog:
                text = self.backlog.pop(0)
                await self.base_send({"type": "websocket.send", "text": text})
        except Exception as error:
            logger.debug("Frames not sent to a closing connection: %r", error)
            return
        self.backlog = None

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def send_error(
        self, code: str, message: str, stream: str | None = None
    ) -> None:
        frame = {"op": "error", "code": code, "message": message}
        if stream is not None:
            frame["stream"] = stream
        await self.send_json(frame)

    async def _parse(self, content: dict) -> StreamName | None:
        try:
            return parse_stream(content.get("stream"))
        except ValueError:
            await self.send_error(BAD_REQUEST, _("Nom de flux invalide."))
            return None

    async def _leave(self, stream: str) -> None:
        # Forget the position first: from now on `live` drops this stream's
        # messages, so a group_discard that fails (Redis down) only leaves a
        # subscription of the process that its next join or leave mends.
        self.positions.pop(stream, None)
        self.held.pop(stream, None)
        if stream == self.own_stream:
            return  # still listened to for `viewer.hides`
        group = parse_stream(stream).group
        self.live_groups.discard(group)
        await hub_for(self.channel_layer).leave(group, self)

    async def _rate_limited(self) -> None:
        # One error a second at most: answering every dropped frame would let a
        # flooding client make the server write as fast as it reads. No drop
        # goes unsaid: the error counts the frames ignored since the last one,
        # and drops after it are reported a second later, once.
        self.dropped += 1
        now = time.monotonic()
        if now - self.last_rate_error >= 1:
            await self._report_drops()
        elif self.drop_report is None:
            self.drop_report = asyncio.get_running_loop().call_later(
                1, lambda: asyncio.ensure_future(self._report_drops())
            )

    async def _report_drops(self) -> None:
        if self.drop_report is not None:
            self.drop_report.cancel()
            self.drop_report = None
        if not self.dropped:
            return
        self.last_rate_error = time.monotonic()
        frame = {
            "op": "error",
            "code": RATE_LIMITED,
            "message": _(
                "Trop de messages : %(count)d ignorés. Ralentissez, puis renvoyez-les."
            )
            % {"count": self.dropped},
            "dropped": self.dropped,
        }
        self.dropped = 0
        await self.send_json(frame)

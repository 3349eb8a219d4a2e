"""`publish()`: the one way an action sends a real-time event.

The event is written to the log in the caller's transaction and sent to the
channel layer once that transaction commits. The log is the truth: a client that
missed the live message (Redis down, connection lost) gets the event on resume.
"""

import asyncio
import contextvars
import json
import logging
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from realtime.groups import KINDS, parse_stream, user_stream
from realtime.models import Event, Stream

logger = logging.getLogger(__name__)

# The type of a live event's channel-layer message (realtime/fanout.py).
MESSAGE_TYPE = "realtime.event"
# Sent by the consumer itself when a client must reload; never published.
RELOAD_EVENT = "reload"
# Published on a user's private stream when a member becomes hidden or shown
# for that user (a block, a mute, their end): the user's connections apply it to
# their filter and never send it to the client (`publish_hides`).
HIDES_EVENT = "viewer.hides"
# A Redis that does not answer must not hold the request that published.
SEND_TIMEOUT_SECONDS = 2.0
# A live send that failed is tried again this often (by a task in each server
# process's event loop) and after the next send that works.
RETRY_SECONDS = 2.0
# Streams whose last failed message is kept for that retry, at most.
MISSED_MAX_STREAMS = 1000
_EVENT_TYPE_RE = re.compile(r"[a-z][a-z0-9_.]{0,63}")

_NEXT_SEQS_SQL = (
    "INSERT INTO {table} (name, last_seq, pruned_through_id) VALUES {rows} "
    "ON CONFLICT (name) DO UPDATE SET last_seq = {table}.last_seq + 1 "
    "RETURNING name, last_seq"
)


def _next_seqs(streams: Sequence[str]) -> dict[str, int]:
    # One statement creates or increments each stream's row and keeps it locked
    # until the caller's transaction ends: two transactions publishing to one
    # stream are serialised here, so within a stream ids grow in commit order
    # and a client never sees id 11 before id 10 of the same stream commits.
    # The VALUES rows are taken in order, so several streams' rows are locked
    # in the order given, as one upsert per stream in turn would lock them.
    # PostgreSQL and SQLite (3.35+) both speak this upsert.
    sql = _NEXT_SEQS_SQL.format(
        table=connection.ops.quote_name(Stream._meta.db_table),
        rows=", ".join(["(%s, 1, 0)"] * len(streams)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(streams))
        return dict(cursor.fetchall())


_EVENT_COLUMNS = ("stream", "seq", "event", "data", "members", "created_at")
_INSERT_EVENTS_SQL = (
    "INSERT INTO {table} ({columns}) VALUES {rows} RETURNING {id}, {stream}"
)


def _insert_events(records: list[Event]) -> None:
    # One INSERT of several rows, written out: `bulk_create` sends them to
    # PostgreSQL as arrays (UNNEST), and quoting each event's HTML inside an
    # array literal cost more CPU than the two inserts it replaced. Each value
    # goes through its field's own preparation, as `save()` does.
    fields = [Event._meta.get_field(name) for name in _EVENT_COLUMNS]
    quote = connection.ops.quote_name
    sql = _INSERT_EVENTS_SQL.format(
        table=quote(Event._meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
        rows=", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(records)),
        id=quote(Event._meta.pk.column),
        stream=quote(Event._meta.get_field("stream").column),
    )
    params = [
        field.get_db_prep_save(field.pre_save(record, add=True), connection)
        for record in records
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # Streams are unique in one call: the id of each row by its stream,
        # whatever order RETURNING gives them in (ids follow the rows' order).
        ids = {stream: pk for pk, stream in cursor.fetchall()}
    for record in records:
        record.pk = ids[record.stream]
        record._state.adding = False
        record._state.db = connection.alias


def _checked(stream: str, event: str) -> None:
    if parse_stream(stream).kind not in KINDS:
        raise ValueError(f"unknown stream kind in {stream!r}")
    if not _EVENT_TYPE_RE.fullmatch(event) or event == RELOAD_EVENT:
        raise ValueError(f"bad event type {event!r}")
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "realtime.publish() must be called inside the caller's transaction."
        )


def _send_after_commit(message: dict) -> None:
    first = _sent_first.get()
    if first is not None and first.depth == len(connection.atomic_blocks):
        first.messages.append(message)
    else:
        # Outside a `sends_first()` block, or in a savepoint inside it (which
        # may roll back alone): Django's own hook, discarded with the savepoint.
        transaction.on_commit(lambda: send_live(message), robust=True)


def publish_to_each(
    streams: Sequence[str],
    event: str,
    data: dict,
    *,
    members: Iterable[int | None] = (),
) -> list[Event]:
    """`publish` of one event on each of several streams, in their order.

    The same rows, numbers, order and live messages as `publish` called for
    each stream in turn, in two statements whatever the number of streams
    (issue 14: a post goes to two or three streams before its live frame is
    sent). A stream given twice is refused.
    """
    if len(set(streams)) != len(streams):
        raise ValueError(f"a stream given twice in {list(streams)!r}")
    for stream in streams:
        _checked(stream, event)
    if not streams:
        return []
    payload = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    about = sorted({int(pk) for pk in members if pk is not None})
    seqs = _next_seqs(streams)
    records = [
        Event(stream=stream, seq=seqs[stream], event=event, data=payload, members=about)
        for stream in streams
    ]
    _insert_events(records)
    for record in records:
        _send_after_commit(live_message(record))
    return records


def publish(
    stream: str, event: str, data: dict, *, members: Iterable[int | None] = ()
) -> Event:
    """Log an event in the current transaction; send it live after commit.

    Must run inside `transaction.atomic()`: the event commits or rolls back with
    the change that caused it. `data` is stored as JSON (dates as ISO strings),
    and the live message carries exactly what a replay would.

    `members` are the ids of the members the event is about (an item's author):
    a connection whose viewer hides one of them (blocked either way, muted)
    gets no copy of the event, live or replayed. They are kept beside the
    frame, never sent to clients.
    """
    _checked(stream, event)
    payload = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    record = Event.objects.create(
        stream=stream,
        seq=_next_seqs([stream])[stream],
        event=event,
        data=payload,
        members=sorted({int(pk) for pk in members if pk is not None}),
    )
    _send_after_commit(live_message(record))
    return record


def publish_hides(user_id: int, member_id: int, hidden: bool) -> Event:
    """Tell a user's connections that a member is now hidden from them, or not.

    `hidden` is the state after the change (a block lifted while the other
    block or a mute stays keeps the member hidden). Published on the user's
    private stream, in the caller's transaction like any event; the consumer
    applies it to the connection's filter and never sends it to the client
    (the one who was blocked is not told by it).
    """
    return publish(
        user_stream(user_id),
        HIDES_EVENT,
        {"member_id": int(member_id), "hidden": bool(hidden)},
    )


class _First(NamedTuple):
    depth: int  # the atomic block of the `sends_first()` (savepoints: deeper)
    messages: list[dict]


# The live messages of the `publish()` calls inside a `sends_first()` block.
_sent_first: contextvars.ContextVar[_First | None] = contextvars.ContextVar(
    "realtime_sent_first", default=None
)


@contextmanager
def sends_first() -> Iterator[None]:
    """Send the live events published inside this block before later commit hooks.

    Django runs `on_commit` callbacks in the order they were registered. A post
    is saved before it is published, so the hooks its save registers (the
    search index's sync, about 8 ms of CPU and four queries) would run before
    its live sends, and every subscriber would wait for them (issue 14). Used as
    the first statement inside the action's `transaction.atomic()`, this block
    registers one callback first, which sends the block's events in order once
    the transaction commits. Registered in the same atomic block as the
    publishes, it is discarded with them if that block rolls back.
    """
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "realtime.sends_first() must be used inside the action's transaction."
        )
    messages: list[dict] = []
    transaction.on_commit(lambda: _send_all(messages), robust=True)
    token = _sent_first.set(_First(len(connection.atomic_blocks), messages))
    try:
        yield
    finally:
        _sent_first.reset(token)


def _send_all(messages: list[dict]) -> None:
    send_live_all(messages)


def live_message(record: Event) -> dict:
    """The channel-layer message of a logged event: its frame, encoded once.

    Every subscriber that gets it gets the same bytes (viewer-specific parts
    are fixed up in the browser from the page's data attributes), so the frame
    is JSON-encoded here, once per event, instead of once per connection by each
    consumer: the consumer forwards `text` as is. `stream` and `seq` stay beside
    it for the consumer's ordering and gap check, `members` for its per-viewer
    filter (a set lookup per connection), `event` for the events it keeps.
    """
    frame = record.as_message()
    return {
        "type": MESSAGE_TYPE,
        "stream": frame["stream"],
        "id": frame["id"],
        "seq": record.seq,
        "event": record.event,
        "members": record.members,
        "text": encode_frame(frame),
    }


def encode_frame(frame: dict) -> str:
    """The JSON text of a server frame, live or replayed alike."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


# stream -> the newest live message of it that could not be sent. Sending that
# one again later is enough: a subscriber that missed earlier ones sees the gap
# and reads them from the log (`RealtimeConsumer.live`), and one that
# has it already drops the copy. Without this, clients connected through an
# outage would get its last events only with the next event of their stream.
_missed: dict[str, dict] = {}
_missed_lock = threading.Lock()
_retriers: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}


def _remember_missed(message: dict) -> None:
    with _missed_lock:
        known = _missed.get(message["stream"])
        if known is not None and known["seq"] >= message["seq"]:
            return
        if known is None and len(_missed) >= MISSED_MAX_STREAMS:
            # Bounded memory; that stream's clients catch up on its next event
            # or when they reconnect.
            return
        _missed[message["stream"]] = message


def missed_count() -> int:
    """Streams whose newest live message waits for the layer (/healthz)."""
    with _missed_lock:
        return len(_missed)


def _take_missed() -> list[dict]:
    with _missed_lock:
        messages = list(_missed.values())
        _missed.clear()
    return messages


def send_live(message: dict) -> None:
    """Send a logged event to its stream's group; log and swallow layer errors.

    A failure here only delays the event: it is in the log, is sent again once
    the layer answers, and reaches clients that reconnect when they resume.
    """
    send_live_all([message])


def send_live_all(messages: list[dict]) -> None:
    """`send_live` of each message, in one trip to the event loop.

    Each `async_to_sync` call hands its coroutine to the event loop's thread
    and, on the way back, restores every context variable in this one: about a
    millisecond of CPU, and a thread to wake, before the next frame could leave
    (issue 14: a post's town frame stood before its neighbourhood's). The
    messages of one stream go one after the other, in their order; different
    streams' go at once (a post's neighbourhood frame does not wait for Redis
    to answer its town frame): no order holds between streams anyway, each
    server process receives each stream's messages as Redis delivers them.
    Each message has its own failure handling.
    """
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    done: list[dict] = []
    try:
        async_to_sync(_send_each)(layer, messages, done)
    except Exception:
        # The trip itself failed: what was not handled waits in the log.
        for message in messages:
            if not any(message is handled for handled in done):
                _failed(message)


async def _send_each(layer, messages: list[dict], done: list[dict]) -> None:
    by_stream: dict[str, list[dict]] = {}
    for message in messages:
        by_stream.setdefault(message["stream"], []).append(message)
    if len(by_stream) == 1:
        await _send_in_turn(layer, messages, done)
        return
    await asyncio.gather(
        *(_send_in_turn(layer, same, done) for same in by_stream.values())
    )


async def _send_in_turn(layer, messages: list[dict], done: list[dict]) -> None:
    for message in messages:
        try:
            await _send_with_missed(layer, message)
        except Exception:
            _failed(message)
        done.append(message)


def _failed(message: dict) -> None:
    _remember_missed(message)
    logger.error(
        "Live send of event %s to %s failed; it stays in the log for resume.",
        message["id"],
        message["stream"],
        exc_info=True,
    )


async def _send_with_missed(layer, message: dict) -> None:
    await _send(layer, parse_stream(message["stream"]).group, message)
    if _missed:
        await resend_missed(layer)


async def resend_missed(layer) -> None:
    """Send again the messages that failed; keep the ones that fail again."""
    messages = _take_missed()
    for index, message in enumerate(messages):
        try:
            await _send(layer, parse_stream(message["stream"]).group, message)
        except Exception:
            # This one and every one not tried yet wait for the next attempt.
            for unsent in messages[index:]:
                _remember_missed(unsent)
            raise


def start_retrier(layer) -> None:
    """Once per event loop (a server process): a task that resends failed sends."""
    loop = asyncio.get_running_loop()
    task = _retriers.get(loop)
    if task is None or task.done():
        _retriers[loop] = loop.create_task(_retry_forever(layer))


async def _retry_forever(layer) -> None:
    while True:
        await asyncio.sleep(RETRY_SECONDS)
        if not _missed:
            continue
        try:
            await resend_missed(layer)
        except Exception:  # noqa: S112  (Redis still down: try again later)
            continue
        logger.warning("Live sends that failed were sent again.")


async def _send(layer, group: str, message: dict) -> None:
    async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
        await layer.group_send(group, message)

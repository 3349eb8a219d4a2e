"""A new row and its events in one SQL statement (issue 14).

`publish_to_each` logs events in the caller's transaction, and the caller
writes its row before: on PostgreSQL that is BEGIN, the row's INSERT, the
streams' numbers, the events and COMMIT, five round trips before a live frame
can leave. When the row is all the action writes (a new post without
pictures or mentions), `publish_new_row` writes it with its events in one
statement, which outside a transaction is its own: one round trip.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

from realtime import publish
from realtime.groups import KINDS, parse_stream
from realtime.models import Event, Stream
from realtime.publish import (
    _EVENT_COLUMNS,
    _EVENT_TYPE_RE,
    _NEXT_SEQS_SQL,
    RELOAD_EVENT,
    _send_after_commit,
    live_message,
    sends_first,
)

# A new row, its streams' numbers and its events in one statement (PostgreSQL:
# data-modifying WITH). The events are the rows of the upsert's RETURNING, in
# the streams' order; the event's data is sent once for all of them. Locks:
# every such statement takes its streams' rows (in the order given) before its
# row's unique keys (PostgreSQL runs a WITH part nothing reads after the main
# query), so two retries of one client key queue on the stream and the second
# fails whole on the key, as two transactions of `publish_to_each` did.
_ROW_AND_EVENTS_SQL = (
    "WITH new_row AS (INSERT INTO {row_table} ({row_columns}) VALUES ({row_values})), "
    "seqs AS ({next_seqs}) "
    "INSERT INTO {table} ({columns}) "
    "SELECT seqs.name, seqs.last_seq, %s, %s, %s, %s FROM seqs "
    "ORDER BY array_position(%s::text[], seqs.name::text) "
    "RETURNING {id}, {stream}, {seq}"
)


@contextmanager
def one_statement() -> Iterator[None]:
    """The block of a `publish_new_row()`: nothing outside a transaction, else
    a savepoint whose live sends go before the commit hooks registered after it.

    Outside any transaction the row and its events are written by one
    statement, its own transaction, with no BEGIN and no COMMIT to wait for
    (issue 14). Inside the caller's transaction (a test's, an action that
    writes more) they are part of it, in a savepoint that a failed insert
    (a client key stored twice) rolls back alone.
    """
    if not connection.in_atomic_block:
        yield
        return
    with transaction.atomic(), sends_first():
        yield


def publish_new_row(
    row: Model,
    streams: Sequence[str],
    event: str,
    data: dict,
    *,
    members: Iterable[int | None] = (),
) -> list[Event]:
    """Insert `row` and `publish_to_each` its event, in one SQL statement.

    `row` is new, its primary key already given (its event's data names it):
    it is inserted as `save()` inserts it (pre_save and post_save signals, the
    fields' own values), in the same statement as the streams' numbers and the
    events (PostgreSQL only). Used in a `one_statement()` block. Outside any
    transaction the statement commits when it returns (PostgreSQL runs a
    statement atomically): the row and its events are there together or not
    at all, each stream's row stays locked until that commit, so ids still
    follow commits within a stream, and the live messages are sent at once,
    before the row's post_save handlers run (their `on_commit` work runs then,
    as after a commit). Inside a transaction they are sent after its commit,
    as `publish_to_each` sends them.
    """
    if connection.vendor != "postgresql":
        raise NotImplementedError("publish_new_row() needs PostgreSQL")
    if row.pk is None or not row._state.adding or row._meta.parents:
        raise ValueError("publish_new_row() inserts a new row with its key given")
    if len(set(streams)) != len(streams) or not streams:
        raise ValueError(f"one or more streams, each once: {list(streams)!r}")
    atomic = connection.in_atomic_block
    if not atomic and not connection.get_autocommit():
        raise transaction.TransactionManagementError(
            "publish_new_row() runs in autocommit mode or in an atomic block."
        )
    for stream in streams:
        if parse_stream(stream).kind not in KINDS:
            raise ValueError(f"unknown stream kind in {stream!r}")
    if not _EVENT_TYPE_RE.fullmatch(event) or event == RELOAD_EVENT:
        raise ValueError(f"bad event type {event!r}")
    model = type(row)
    pre_save.send(
        sender=model,
        instance=row,
        raw=False,
        using=connection.alias,
        update_fields=None,
    )
    # The columns `save()` inserts (no inherited table, no generated column).
    fields = [
        field
        for field in model._meta.local_concrete_fields
        if not getattr(field, "generated", False)
    ]
    row_values = [
        field.get_db_prep_save(field.pre_save(row, add=True), connection)
        for field in fields
    ]
    template = Event(
        event=event,
        data=json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
        members=sorted({int(pk) for pk in members if pk is not None}),
    )
    event_fields = [Event._meta.get_field(name) for name in _EVENT_COLUMNS[2:]]
    event_values = [
        field.get_db_prep_save(field.pre_save(template, add=True), connection)
        for field in event_fields
    ]
    quote = connection.ops.quote_name
    sql = _ROW_AND_EVENTS_SQL.format(
        row_table=quote(model._meta.db_table),
        row_columns=", ".join(quote(field.column) for field in fields),
        row_values=", ".join(["%s"] * len(fields)),
        next_seqs=_NEXT_SEQS_SQL.format(
            table=quote(Stream._meta.db_table),
            rows=", ".join(["(%s, 1, 0)"] * len(streams)),
        ),
        table=quote(Event._meta.db_table),
        columns=", ".join(
            quote(Event._meta.get_field(name).column) for name in _EVENT_COLUMNS
        ),
        id=quote(Event._meta.pk.column),
        stream=quote(Event._meta.get_field("stream").column),
        seq=quote(Event._meta.get_field("seq").column),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*row_values, *streams, *event_values, list(streams)])
        rows = {stream: (pk, seq) for pk, stream, seq in cursor.fetchall()}
    row._state.adding = False
    row._state.db = connection.alias
    records = []
    for stream in streams:
        pk, seq = rows[stream]
        record = Event(
            pk=pk,
            stream=stream,
            seq=seq,
            event=event,
            data=template.data,
            members=template.members,
            created_at=template.created_at,
        )
        record._state.adding = False
        record._state.db = connection.alias
        records.append(record)
    messages = [live_message(record) for record in records]
    if atomic:
        for message in messages:
            _send_after_commit(message)
    else:
        # Through the module: the benches and tests watch this one call.
        publish._send_all(messages)
    post_save.send(
        sender=model,
        instance=row,
        created=True,
        update_fields=None,
        raw=False,
        using=connection.alias,
    )
    return records

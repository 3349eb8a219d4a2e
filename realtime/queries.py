"""Reads of the event log: the replay a resuming client gets, and positions."""

from dataclasses import dataclass, field

from django.db import connection

from realtime.models import Event, Stream


@dataclass
class Replay:
    """What a subscriber gets before live events.

    `last_seq` is the stream's position the replay is consistent with: live
    events up to it are duplicates, the next live event should be `last_seq + 1`.
    `reload` means events after `since` are gone (pruned, or too many to
    replay); `reload_id` is then the id the client may resume from afterwards.
    """

    last_seq: int
    events: list[Event] = field(default_factory=list)
    reload: bool = False
    reload_id: int | None = None


def replay_since(stream: str, since: int | None, limit: int) -> Replay:
    """The events of a stream after `since`, in order, or a reload when gone."""
    position = (
        Stream.objects.filter(name=stream)
        .values_list("last_seq", "pruned_through_id")
        .first()
    )
    # Read before the events: every event up to `last_seq` committed with (or
    # before) this row, so the replay below is complete up to that position.
    last_seq, pruned_through_id = position or (0, 0)
    if since is None or last_seq == 0:
        return Replay(last_seq=last_seq)
    if since < pruned_through_id:
        return _reload(stream, last_seq, pruned_through_id)
    events = list(
        Event.objects.filter(stream=stream, id__gt=since, seq__lte=last_seq).order_by(
            "seq"
        )[: limit + 1]
    )
    if len(events) > limit:
        return _reload(stream, last_seq, pruned_through_id)
    return Replay(last_seq=last_seq, events=events)


def _reload(stream: str, last_seq: int, pruned_through_id: int) -> Replay:
    newest = (
        Event.objects.filter(stream=stream, seq__lte=last_seq)
        .order_by("-seq")
        .values_list("id", flat=True)
        .first()
    )
    return Replay(
        last_seq=last_seq,
        reload=True,
        reload_id=max(newest or 0, pruned_through_id) or None,
    )


def events_between(stream: str, after_seq: int, before_seq: int) -> list[Event]:
    """The events of a stream strictly between two positions, in order.

    Fills the hole when a live message arrives ahead of one that was lost or is
    still on its way from another process.
    """
    return list(
        Event.objects.filter(
            stream=stream, seq__gt=after_seq, seq__lt=before_seq
        ).order_by("seq")
    )


def latest_event_id(stream: str) -> int:
    """The id of a stream's newest event, 0 if none.

    Pages render it as `data-live-since` so that the client resumes from the
    moment the page was built and misses nothing published meanwhile.
    """
    with connection.cursor() as cursor:
        cursor.execute(*latest_event_id_sql(stream))
        (newest,) = cursor.fetchone()
    return newest or 0


def latest_event_id_sql(stream: str) -> tuple[str, list]:
    """`latest_event_id`'s query and parameters (NULL for none): a page that
    reads several things in one query takes it as a scalar subquery."""
    return _LATEST_SQL, [stream, stream]


# Written out, in one query: every feed and post page asks, and the ORM spent
# more CPU building the two queries than the database spent running them
# (issue 14). The newest event's id, else the id the stream was pruned through.
_EVENT, _STREAM = Event._meta.db_table, Stream._meta.db_table
_LATEST_SQL = f"""
SELECT COALESCE(
  (SELECT id FROM "{_EVENT}" WHERE stream = %s ORDER BY id DESC LIMIT 1),
  (SELECT pruned_through_id FROM "{_STREAM}" WHERE name = %s)
)
"""  # noqa: S608 (table names from the models, values as parameters)

"""Reads of the event log: the replay a resuming client gets, and positions."""

from dataclasses import dataclass, field

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
    newest = (
        Event.objects.filter(stream=stream)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if newest is not None:
        return newest
    return (
        Stream.objects.filter(name=stream)
        .values_list("pruned_through_id", flat=True)
        .first()
        or 0
    )

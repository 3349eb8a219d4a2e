"""Writes to the event log other than `publish()` (see realtime/publish.py)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from realtime.groups import user_stream
from realtime.models import Event, Stream


def do_prune_events(retention_days: int | None = None) -> int:
    """Delete events older than the retention; return how many were deleted.

    Each stream remembers the newest id it lost (`pruned_through_id`), so that a
    client resuming from an older id is told to reload instead of silently
    missing events. Within a stream, everything up to that id is deleted, even
    a younger event with a smaller id, which keeps "older than this id is gone"
    exact.
    """
    days = (
        retention_days
        if retention_days is not None
        else settings.SMARTCITIZEN["EVENT_RETENTION_DAYS"]
    )
    cutoff = timezone.now() - timedelta(days=days)
    newest_old = (
        Event.objects.filter(stream=OuterRef("name"), created_at__lt=cutoff)
        .values("stream")
        .annotate(newest=Max("id"))
        .values("newest")
    )
    with transaction.atomic():
        Stream.objects.update(
            pruned_through_id=Greatest(
                F("pruned_through_id"), Coalesce(Subquery(newest_old), 0)
            )
        )
        deleted, _ = Event.objects.filter(
            id__lte=Subquery(
                Stream.objects.filter(name=OuterRef("stream")).values(
                    "pruned_through_id"
                )
            )
        ).delete()
    return deleted


def do_redact_member_events(member_id: int, user_id: int) -> int:
    """Forget a deleted member in the event log: their private stream goes, and
    logged events that carry their rendered name lose their content (a client
    resuming from the log never sees the name again). Answers how many were
    redacted."""
    stream = user_stream(user_id)
    Event.objects.filter(stream=stream).delete()
    Stream.objects.filter(name=stream).delete()
    return Event.objects.filter(data__author_id=member_id).update(
        event="redacted", data={"redacted": True}
    )

"""The event log: every real-time event, kept for replay to reconnecting clients."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Stream(models.Model):
    """The position of one stream: its event counter and how far it was pruned.

    The row is the per-stream lock of `publish()`: incrementing `last_seq` locks it
    until the publishing transaction ends, so the events of one stream commit in
    the order of their ids and their `seq` has no holes among committed events.
    """

    name = models.CharField(_("flux"), max_length=64, primary_key=True)
    last_seq = models.BigIntegerField(_("dernier numéro"), default=0)
    # Every event of this stream with an id up to this one has been deleted; a
    # client that resumes from an older id missed something and must reload.
    pruned_through_id = models.BigIntegerField(
        _("purgé jusqu'à l'événement"), default=0
    )

    class Meta:
        verbose_name = _("flux temps réel")
        verbose_name_plural = _("flux temps réel")

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """One event of one stream, as sent to websocket clients."""

    # The id is the event id of the protocol: clients resume with the last one
    # they saw, so it must only grow (bigint sequence, never reused).
    id = models.BigAutoField(primary_key=True)
    stream = models.CharField(_("flux"), max_length=64)
    seq = models.BigIntegerField(_("numéro dans le flux"))
    event = models.CharField(_("type"), max_length=64)
    data = models.JSONField(_("données"), default=dict)
    # The members the event is about (an item's author, a reply's parent
    # author): a connection whose viewer hides one of them gets no copy of it,
    # live or replayed (docs/realtime.md, "Per-viewer filtering"). Never sent.
    members = models.JSONField(_("membres concernés"), default=list, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["stream", "id"], name="realtime_event_stream_id")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "seq"], name="realtime_event_unique_seq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stream} #{self.id} {self.event}"

    def as_message(self) -> dict:
        """The frame a websocket client receives for this event."""
        return {
            "stream": self.stream,
            "id": self.id,
            "event": self.event,
            "data": self.data,
        }

"""Retention: every purge the programme promises, in one place (docs/mydata.md).

The event log and visit addresses already have their purge in their own apps
(`realtime.actions.do_prune_events`, `ambassadors.actions.do_purge_visit_
addresses`); this module calls them, and owns the purges of read notifications
and expired data exports.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from notifications.models import Notification

from ambassadors.actions import do_purge_visit_addresses
from mydata import conf
from mydata.actions.exports import do_delete_expired_exports
from realtime.actions import do_prune_events


@dataclass
class RetentionReport:
    events: int = 0
    visit_addresses: int = 0
    notifications: int = 0
    exports: int = 0


def do_purge_read_notifications(now: datetime | None = None) -> int:
    """Delete read notifications older than READ_NOTIFICATION_RETENTION_DAYS."""
    now = now or timezone.now()
    days = int(conf.get("READ_NOTIFICATION_RETENTION_DAYS"))
    deleted, _detail = Notification.objects.filter(
        unread=False, timestamp__lt=now - timedelta(days=days)
    ).delete()
    return deleted


def do_apply_retention(now: datetime | None = None) -> RetentionReport:
    """Apply every retention rule once; answer how many rows each removed."""
    return RetentionReport(
        events=do_prune_events(),
        visit_addresses=do_purge_visit_addresses(now),
        notifications=do_purge_read_notifications(now),
        exports=do_delete_expired_exports(now),
    )

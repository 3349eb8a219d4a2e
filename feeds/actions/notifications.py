"""Writes of notification read states (rows of django-notifications-community)."""

from django.db import transaction
from notifications.models import Notification

from common.notify import publish_badge
from community.models import Member


def do_mark_notification_read(member: Member, notification_id: int) -> None:
    """Mark one of the member's notifications read; another's id changes nothing."""
    with transaction.atomic():
        Notification.objects.filter(
            pk=notification_id, recipient_id=member.user_id, unread=True
        ).update(unread=False)
        publish_badge(member.user_id)


def do_mark_all_notifications_read(member: Member) -> None:
    """Mark every notification of the member read."""
    with transaction.atomic():
        Notification.objects.filter(recipient_id=member.user_id, unread=True).update(
            unread=False
        )
        publish_badge(member.user_id)

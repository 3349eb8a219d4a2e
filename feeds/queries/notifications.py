"""Reads of a member's notifications, grouped for the notification centre."""

from dataclasses import dataclass, field

from django.utils.translation import gettext
from notifications.models import Notification

from common.notify import localised_excerpt
from community.models import Member
from feeds.models import NotificationKind

CENTRE_SIZE = 50


@dataclass
class NotificationGroup:
    """Notifications of one kind about one thing, shown as one line."""

    kind: str
    url: str
    excerpt: str
    unread: bool
    timestamp: object
    actor_names: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    @property
    def others(self) -> int:
        return len(self.actor_names) - 1


def notification_groups(member: Member) -> list[NotificationGroup]:
    """The newest notifications, reactions and messages grouped by their target.

    One query: "Anne et 3 autres ont réagi" is one line, not four.
    """
    rows = list(
        Notification.objects.filter(recipient_id=member.user_id, deleted=False)
        .order_by("-timestamp", "-id")
        .only("id", "verb", "unread", "timestamp", "data", "target_object_id")[
            :CENTRE_SIZE
        ]
    )
    groups: list[NotificationGroup] = []
    grouped: dict[tuple, NotificationGroup] = {}
    for row in rows:
        data = row.data or {}
        groupable = row.verb in (NotificationKind.REACTION, NotificationKind.MESSAGE)
        key = (row.verb, row.target_object_id, row.unread)
        group = grouped.get(key) if groupable else None
        if group is None:
            group = NotificationGroup(
                kind=row.verb,
                url=data.get("url", ""),
                excerpt=localised_excerpt(data),
                unread=row.unread,
                timestamp=row.timestamp,
            )
            groups.append(group)
            if groupable:
                grouped[key] = group
        name = data.get("actor_name", "")
        if data.get("actor_name_translate"):
            name = gettext(name)
        if name not in group.actor_names:
            group.actor_names.append(name)
        group.ids.append(row.pk)
    return groups

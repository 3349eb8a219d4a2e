"""Feeds' notifications: whom a post, comment, reaction, follow or message
notifies, and how each member wants them (common.notify writes the row).

Called inside the action's transaction: the notification row and the live badge
event commit or roll back with the post, comment, reaction, follow or message
that caused them.
"""

from django.db.models import Model
from django.urls import reverse
from notifications.models import Notification

from common.notify import send_notification
from community.models import Member
from feeds.access import is_blocked_between
from feeds.models import NotificationChannel, NotificationPreference
from feeds.models.social import NotificationKind
from feeds.text import excerpt


def channel_for(member_id: int, kind: str) -> str:
    """How a member wants this kind of notification (no row: on the site)."""
    return (
        NotificationPreference.objects.filter(member_id=member_id, kind=kind)
        .values_list("channel", flat=True)
        .first()
        or NotificationChannel.SITE
    )


def notify_member(
    recipient_id: int,
    actor: Member,
    kind: str,
    *,
    post: Model | None = None,
    room: Model | None = None,
    quote: str | None = None,
) -> Notification | None:
    """Notify a member of something another member did, unless they opted out.

    The excerpt is `quote` when given (a comment's own text: a reply quotes the
    reply, not the post it is under), else the post's text.
    """
    if recipient_id == actor.pk or channel_for(recipient_id, kind) == (
        NotificationChannel.OFF
    ):
        return None
    if is_blocked_between(recipient_id, actor.pk):
        return None
    user_id = (
        Member.objects.filter(pk=recipient_id).values_list("user_id", flat=True).first()
    )
    if user_id is None:
        return None
    target = post if post is not None else room
    if post is not None:
        url = reverse("feeds:post", args=[post.pk])
        text = excerpt(post.body if quote is None else quote, 60)
    elif room is not None:
        url = reverse("feeds:room", args=[room.pk])
        text = ""
    else:
        url = reverse("feeds:member", args=[actor.pk])
        text = ""
    data = {
        "kind": kind,
        "actor_id": actor.pk,
        "actor_name": actor.display_name,
        "url": url,
        "excerpt": text,
    }
    if room is not None and quote:
        # A message's text stays out of the notification centre; a push shows
        # it only when the member allows it (push.payloads).
        data["private_excerpt"] = excerpt(quote, 60)
    return send_notification(user_id, actor=actor, verb=kind, data=data, target=target)


__all__ = ["NotificationKind", "notify_member"]

"""Notifications (django-notifications-community rows), written by feeds actions.

Called inside the action's transaction: the notification row and the live badge
event commit or roll back with the post, comment, reaction, follow or message
that caused them.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext
from notifications.models import Notification

from community.models import Member
from feeds.access import is_blocked_between
from feeds.models import NotificationChannel, NotificationPreference
from feeds.models.social import NotificationKind
from feeds.rendering import render_to_string
from feeds.text import excerpt
from realtime.groups import user_stream
from realtime.publish import publish


def channel_for(member_id: int, kind: str) -> str:
    """How a member wants this kind of notification (no row: on the site)."""
    return (
        NotificationPreference.objects.filter(member_id=member_id, kind=kind)
        .values_list("channel", flat=True)
        .first()
        or NotificationChannel.SITE
    )


def unread_count(user_id: int) -> int:
    return Notification.objects.filter(
        recipient_id=user_id, unread=True, deleted=False
    ).count()


def publish_badge(user_id: int) -> None:
    """Send the member's unread count to their private stream."""
    count = unread_count(user_id)
    publish(
        user_stream(user_id),
        "notifications.unread",
        {
            "unread": count,
            "item": "notification-badge",
            "html": render_to_string(
                "feeds/includes/notification_badge.html", {"unread_count": count}
            ),
        },
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
    notification = Notification(
        recipient_id=user_id,
        actor_content_type=ContentType.objects.get_for_model(Member),
        actor_object_id=str(actor.pk),
        verb=kind,
        data={
            "kind": kind,
            "actor_id": actor.pk,
            "actor_name": actor.display_name,
            "url": url,
            "excerpt": text,
        },
    )
    if target is not None:
        notification.target_content_type = ContentType.objects.get_for_model(target)
        notification.target_object_id = str(target.pk)
    notification.save()
    publish_badge(user_id)
    return notification


__all__ = ["NotificationKind", "notify_member", "publish_badge", "unread_count"]


def translatable_excerpt(
    msgid: str, args: dict[str, str], translate: tuple[str, ...] = ()
) -> dict:
    """Notification `data` keys that let each reader see the excerpt in their language.

    `msgid` is a French source string marked with gettext_noop, `args` its
    values; those named in `translate` are themselves source strings (a badge's
    label), translated at read time too. The stored `excerpt` stays as the
    fallback (e-mails, older rows). Read back by `localised_excerpt`.
    """
    return {
        "excerpt_msgid": msgid,
        "excerpt_args": args,
        "excerpt_translate": list(translate),
    }


def localised_excerpt(data: dict) -> str:
    """The excerpt in the active language when it was stored translatable."""
    msgid = data.get("excerpt_msgid")
    args = data.get("excerpt_args")
    if not isinstance(msgid, str) or not isinstance(args, dict):
        return data.get("excerpt", "")
    names = set(data.get("excerpt_translate") or ())
    values = {
        key: gettext(str(value)) if key in names else str(value)
        for key, value in args.items()
    }
    try:
        return gettext(msgid) % values
    except (KeyError, TypeError, ValueError):
        return data.get("excerpt", "")

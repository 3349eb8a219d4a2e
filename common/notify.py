"""Notifications (django-notifications-community rows) and the live unread badge.

The part every app shares: write one notification row and send the member's
unread count to their private stream, and push it to their devices after the
commit as their push preferences allow (push.sending). Called inside the
caller's action's transaction: the row and the badge event commit or roll back
with the change that caused them (realtime.publish and the push send after
commit). What a notification
says and whom it reaches stay with the app that sends it (feeds.notify for
posts, comments, follows and messages; moderation.notify for decisions;
challenges for badges and proofs).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from notifications.models import Notification

from push.sending import push_after_commit
from realtime.groups import user_stream
from realtime.publish import publish

# Written out: every page of a member shows the count, and the ORM spent more
# CPU building the query than the database spent running it (issue 14).
_UNREAD_SQL = (
    f'SELECT COUNT(*) FROM "{Notification._meta.db_table}"'  # noqa: S608 (names from the model)
    " WHERE recipient_id = %s AND unread AND NOT deleted"
)


def unread_count(user_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(*unread_count_sql(user_id))
        return cursor.fetchone()[0]


def unread_count_sql(user_id: int) -> tuple[str, list]:
    """`unread_count`'s query and parameters: a page that reads several things
    in one query takes it as a scalar subquery (then `remember_unread`)."""
    return _UNREAD_SQL, [user_id]


# The count a page's view read already, kept on the request's user object
# (which lives as long as the request) for the navigation's badge.
_UNREAD_ATTR = "_smartcitizen_unread"


def remember_unread(user, count: int) -> None:
    """The user's unread count read by the page's own query (a GET page, which
    changes no notification before the badge is rendered)."""
    setattr(user, _UNREAD_ATTR, count)


def unread_count_of(user) -> int:
    """The navigation's badge: the count the page read already, else one query."""
    count = getattr(user, _UNREAD_ATTR, None)
    return unread_count(user.pk) if count is None else count


def publish_badge(user_id: int) -> None:
    """Send the member's unread count to their private stream."""
    count = unread_count(user_id)
    # One copy for every tab of the member: in the site's language, as the
    # other live fragments.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "feeds/includes/notification_badge.html", {"unread_count": count}
        )
    publish(
        user_stream(user_id),
        "notifications.unread",
        {"unread": count, "item": "notification-badge", "html": html},
    )


def send_notification(
    recipient_user_id: int,
    *,
    actor: Model,
    verb: str,
    data: dict,
    target: Model | None = None,
) -> Notification:
    """Write one notification row for a user and refresh their live badge."""
    notification = Notification(
        recipient_id=recipient_user_id,
        actor_content_type=ContentType.objects.get_for_model(actor),
        actor_object_id=str(actor.pk or 0),
        verb=verb,
        data=data,
    )
    if target is not None:
        notification.target_content_type = ContentType.objects.get_for_model(target)
        notification.target_object_id = str(target.pk)
    notification.save()
    publish_badge(recipient_user_id)
    push_after_commit([(recipient_user_id, verb, data)], localised_excerpt)
    return notification


def push_notifications(rows: list[Notification]) -> None:
    """Push rows written in bulk (challenges' badges), after the commit."""
    push_after_commit(
        [(row.recipient_id, row.verb, row.data) for row in rows], localised_excerpt
    )


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


def forget_actor(member: Model) -> int:
    """Delete the notifications a deleted member caused (their name is in them)."""
    deleted, _rows = Notification.objects.filter(
        actor_content_type=ContentType.objects.get_for_model(member),
        actor_object_id=str(member.pk),
    ).delete()
    return deleted

"""Tell a member about a decision that concerns them (a notification row)."""

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext_noop
from notifications.models import Notification

from common.notify import publish_badge
from moderation.models import Decision

MODERATION_VERB = "moderation"


def notify_decision(decision: Decision, message: str) -> Notification | None:
    """Notify the decision's member, with a link to the page where they may appeal.

    Called inside the decision's transaction: the row and the badge event
    commit or roll back with it. Sent whatever the member's preferences: a
    decision about one's account is no social notification one can turn off.
    """
    member = decision.member
    if member is None:
        return None
    notification = Notification(
        recipient_id=member.user_id,
        actor_content_type=ContentType.objects.get_for_model(User),
        actor_object_id=str(decision.moderator_id or 0),
        verb=MODERATION_VERB,
        data={
            "kind": MODERATION_VERB,
            # Translated when shown (feeds.queries.notifications).
            "actor_name": gettext_noop("La modération"),
            "actor_name_translate": True,
            "url": reverse("moderation:decision", args=[decision.pk]),
            "excerpt": message[:200],
        },
    )
    notification.target_content_type = ContentType.objects.get_for_model(Decision)
    notification.target_object_id = str(decision.pk)
    notification.save()
    publish_badge(member.user_id)
    return notification

from django import template
from django.utils.safestring import SafeString

from feeds.notify import unread_count
from feeds.text import render_text

register = template.Library()


@register.filter
def rich_text(item) -> SafeString:
    """A post's, comment's or message's text: escaped, links and mentions made."""
    return render_text(item.body, getattr(item, "mentions", None))


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in user's unread notifications (one query, for the nav badge)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user.pk)

"""Template tags of moderation: the « Signaler » link under every item."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from community.templatetags.community_tags import item_url

register = template.Library()


@register.simple_tag
def report_link(kind: str, object_id: int, label: str) -> SafeString:
    """`{% report_link "post" post.pk _("cette publication") %}`: the report link.

    A simple tag rather than an include: list pages show one per post and per
    comment, and an include with its own context cost more than the link.
    """
    return format_html(
        '<a class="report-link" href="{}" rel="nofollow">{}'
        '<span class="visually-hidden"> {}</span></a>',
        item_url("moderation:report", kind, object_id),
        gettext("Signaler"),
        label,
    )

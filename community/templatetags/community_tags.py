"""Template tags shared by every app's pages: a member's face."""

import zlib

from django import template
from django.utils.html import format_html

from community import translated

register = template.Library()

# Number of background colours for initials (classes .avatar-c0 …).
AVATAR_COLOURS = 8


def initials(name: str) -> str:
    """Up to two initials of a display name (« Anne Martin » → « AM »)."""
    words = [w for w in str(name or "").replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


@register.filter
def localized(obj, field: str):
    """`{{ page|localized:"intro" }}`: the English field in English, else French."""
    return translated.localized(obj, field)


@register.simple_tag
def avatar(member, size: int = 40, decorative: bool = True):
    """A member's photo, or their initials on a colour derived from their id.

    A simple tag rather than an include: it is rendered once per post and
    comment on list pages. The face is decorative by default (the name is
    written beside it); pass decorative=False where it stands alone.
    """
    name = getattr(member, "display_name", "") or ""
    alt = "" if decorative else name
    picture = getattr(member, "avatar", None)
    if picture:
        return format_html(
            '<img class="avatar avatar-s{}" src="{}" alt="{}" width="{}" height="{}"'
            ' loading="lazy">',
            size,
            picture.url,
            alt,
            size,
            size,
        )
    # The CSP allows no style attribute: colour and size are classes
    # (static/css/site.css: .avatar-c0 … .avatar-c7, .avatar-s24 … .avatar-s128).
    colour = zlib.crc32(str(getattr(member, "pk", name)).encode()) % AVATAR_COLOURS
    if decorative:
        return format_html(
            '<span class="avatar avatar-initials avatar-c{} avatar-s{}"'
            ' aria-hidden="true">{}</span>',
            colour,
            size,
            initials(name),
        )
    return format_html(
        '<span class="avatar avatar-initials avatar-c{} avatar-s{}" role="img"'
        ' aria-label="{}">{}</span>',
        colour,
        size,
        name,
        initials(name),
    )

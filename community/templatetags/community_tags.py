"""Template tags shared by every app's pages: a member's face, item URLs."""

import zlib

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html

from community import translated
from community.domains import switch_urls

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


# Stands for the last argument when an item URL is reversed once; digits, so
# it matches both the int and the slug converters.
_PLACEHOLDER = "9081726354"
_URL_SHAPES: dict[tuple, tuple[str, str]] = {}


@register.simple_tag
def item_url(name: str, *args) -> str:
    """`{% item_url "feeds:post" post.pk %}`: what `{% url %}` gives, reversed once.

    A list page links each of its posts and comments several times; reversing
    every link was a third of the page's template time (docs/performance.md,
    issue 14). The URL with a placeholder for the last argument is reversed
    once per name, leading arguments, script prefix and URLconf; each link
    then puts the item's id or slug in its place. Only for ids and slugs,
    which `reverse` would not quote.
    """
    *leading, last = args
    key = (name, *leading, get_script_prefix(), get_urlconf())
    shape = _URL_SHAPES.get(key)
    if shape is None:
        url = reverse(name, args=[*leading, _PLACEHOLDER])
        before, _, after = url.partition(_PLACEHOLDER)
        shape = _URL_SHAPES[key] = (before, after)
    return f"{shape[0]}{last}{shape[1]}"


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


@register.inclusion_tag("includes/domains_first.html", takes_context=True)
def domains_first_note(context, prefs) -> dict:
    """« D'abord vos domaines : Énergie, Eau · Tout voir · Changer » above a list."""
    request = context.get("request")
    urls = switch_urls(request.path, request.GET) if request is not None else {}
    return {"prefs": prefs, "labels": prefs.labels() if prefs else [], **urls}

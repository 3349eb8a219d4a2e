"""Template tags shared by every app's pages: a member's face, item URLs."""

import zlib

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html

from community import kept, translated
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


class KeptNode(template.Node):
    """`{% kept name=value … %}…{% endkept %}` (community/kept.py)."""

    def __init__(self, nodelist: template.NodeList, values: dict) -> None:
        self.nodelist = nodelist
        self.values = values
        self.kept = kept.place()

    def render(self, context: template.Context) -> str:
        values = {
            name: kept.plain(value.resolve(context))
            for name, value in self.values.items()
        }
        key = tuple((name, type(value), value) for name, value in values.items())

        def render() -> str:
            # A new context: the part sees its values and the holes only.
            inner = context.new({**values, **kept.holes()})
            return self.nodelist.render(inner)

        return kept.fill(self.kept.get(key, render), context)


@register.tag("kept")
def do_kept(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    """A part of the page rendered from the named values only and kept per
    process under them (the page shell: community/kept.py).

    Inside, `{% csrf_token %}`, `request.get_full_path` and `account_id` are
    this request's (holes filled at each use); nothing else of the page's
    context is seen.
    """
    bits = token.split_contents()[1:]
    values = template.base.token_kwargs(bits, parser)
    if bits:
        raise template.TemplateSyntaxError("{% kept %} takes name=value only")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, values)

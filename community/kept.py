"""Parts of a page kept rendered per process, with per-request holes.

The page shell (base template: head, header and menu, footer) and a list page's
blank forms are the same for every reader who shares a few flags (signed in, a
member, a household, the navigation's permissions, the unread count…), yet
rendering them was about a quarter of a feed page's CPU (docs/performance.md,
issue 14). As feeds/cards.py does for cards, such a part is rendered from named
values only, kept in this process under those values, the language, the time
zone, the URL prefix and the URLconf, and filled with this request's own values
at each use:

- `{% csrf_token %}` → this request's token field (CsrfTokenNode, as the
  template would have written it);
- `request.get_full_path` → this request's path, escaped;
- `account_id` → the signed-in user's id (empty for a visitor).

Nothing can be stale: the part sees nothing but its values (a value missing
from them shows empty, and the tests see it), and any change of a value
changes the key. No invalidation, nothing shared between processes. The holes
are HTML comments, which no escaped text can contain; values must be plain
(str, int, bool, None): a model instance would be kept by its id alone.
"""

import weakref
from collections.abc import Callable, Hashable

from django.conf import settings
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# Parts kept per process and per place in a template: a few KiB each.
KEPT_PARTS = 1024

CSRF_HOLE = mark_safe("<!--kept:csrf-->")  # noqa: S308 - a constant
NEXT_HOLE = mark_safe("<!--kept:next-->")  # noqa: S308 - a constant
ACCOUNT_HOLE = mark_safe("<!--kept:account-->")  # noqa: S308 - a constant
# What `{% csrf_token %}` writes for the hole: replaced by what it writes for
# the request.
_CSRF_FIELD = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_HOLE}">'

_PLAIN = (str, int, float, bool, type(None))


class RequestHole:
    """The request as a kept part sees it: the `next` path is a hole."""

    def get_full_path(self) -> SafeString:
        return NEXT_HOLE


def plain(value: object) -> Hashable:
    """A value a part may be kept under: plain, or a tuple of plain values."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, tuple) and all(isinstance(item, _PLAIN) for item in value):
        return value
    if not isinstance(value, _PLAIN):
        raise TypeError(f"a kept part's value must be plain, not {type(value)!r}")
    return value


def where() -> tuple:
    """What a part also depends on: the language, the time zone, the URLs."""
    return (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
        get_urlconf(),
    )


def holes() -> dict:
    """The hole values a part is rendered with."""
    return {
        "csrf_token": CSRF_HOLE,
        "request": RequestHole(),
        "account_id": ACCOUNT_HOLE,
    }


def fill(html: str, context: Context) -> SafeString:
    """`html` with this request's values in its holes (from the page's context)."""
    if _CSRF_FIELD in html:
        html = html.replace(_CSRF_FIELD, CsrfTokenNode().render(context))
    if NEXT_HOLE in html:
        request = context.get("request")
        path = conditional_escape(request.get_full_path()) if request else ""
        html = html.replace(NEXT_HOLE, path)
    if ACCOUNT_HOLE in html:
        user = context.get("user")
        signed_in = user is not None and user.is_authenticated
        html = html.replace(ACCOUNT_HOLE, str(user.pk) if signed_in else "")
    return mark_safe(html)  # noqa: S308 - rendered with autoescape, holes escaped


class Kept:
    """One place's parts, by key (a bounded dict: emptied when full)."""

    def __init__(self) -> None:
        self.parts: dict[tuple, str] = {}

    def get(self, key: tuple, render: Callable[[], str]) -> str:
        if settings.DEBUG:
            # In development templates are read again at each use: so are parts.
            return render()
        key = (*key, *where())
        html = self.parts.get(key)
        if html is None:
            html = render()
            if len(self.parts) >= KEPT_PARTS:
                self.parts.clear()
            self.parts[key] = html
        return html

    def clear(self) -> None:
        self.parts.clear()


# Every place, so that tests can empty them all (templates read again in
# development drop theirs).
_PLACES: "weakref.WeakSet[Kept]" = weakref.WeakSet()


def place() -> Kept:
    kept = Kept()
    _PLACES.add(kept)
    return kept


def forget_parts() -> None:
    """Empty this process's kept parts (tests that count renders)."""
    for kept in list(_PLACES):
        kept.clear()

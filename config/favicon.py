"""`GET /favicon.ico`: the site's SVG icon, for browsers that ask for it unasked.

Pages name the icon with `<link rel="icon">` (templates/base.html); browsers
also request /favicon.ico on their own, and a 404 there filled the logs. The
icon is answered here with a 200 rather than a redirect: a permanent redirect
to the hashed static name would outlive the file it points to.
"""

from functools import cache

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

ICON = "favicon.svg"


@cache
def _icon() -> bytes | None:
    path = finders.find(ICON)
    if path is None:
        return None
    with open(path, "rb") as icon:
        return icon.read()


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """The site's icon, cached a day by the browser."""
    icon = _icon()
    if icon is None:
        raise Http404
    response = HttpResponse(icon, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response

"""The site's Content-Security-Policy middleware (django-csp 4, docs/security.md).

The policy of `CONTENT_SECURITY_POLICY` applies everywhere. Under
`CSP_ADMIN_PREFIX` the Wagtail admin gets `CSP_ADMIN_ADDITIONS` on top (its
templates carry inline scripts and style attributes we do not control), and its
page previews may be framed by the admin itself. A view decorated with
django-csp's `csp_update`/`csp_replace` keeps working: the additions merge with
what the decorator set. The map's tiles (SMARTCITIZEN["MAP_TILE_URL"]) are
pictures from their server's origin: img-src allows that origin.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def _tile_origin() -> str | None:
    """The origin of the map's tile server (Leaflet's `{s}` subdomains as a
    wildcard), None when tiles are the site's own."""
    parts = urlsplit(settings.SMARTCITIZEN.get("MAP_TILE_URL", ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def _is_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith(settings.CSP_ADMIN_PREFIX)


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the map's tiles everywhere and the admin's
    additions under its prefix."""

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        update = {key: list(value) for key, value in (parts.update or {}).items()}
        tiles = _tile_origin()
        if tiles:
            update.setdefault("img-src", []).append(tiles)
        if _is_admin(request):
            for directive, sources in settings.CSP_ADMIN_ADDITIONS.items():
                update.setdefault(directive, []).extend(sources)
            parts.replace = {
                **(parts.replace or {}),
                "frame-ancestors": settings.CSP_ADMIN_FRAME_ANCESTORS,
            }
        parts.update = update
        return parts

"""`/api/scoring/v1/` answered without the site's page middleware (issue 14).

The API is JSON for another server, authenticated by a bearer token: it reads
no session, no CSRF cookie, no signed-in member, no flash message, no Wagtail
page or redirect. At hundreds of actions a second the middleware that serve
those cost about a sixth of an action's CPU, for nothing (docs/performance.md,
« Issue 14 — scoring actions »). This middleware sits after the ones the API
does use (the security headers, the bad-input check that lets the API check
its own input, the « réessayez » 503, the language of its messages) and, for
the API's prefix only, calls the view itself instead of the rest of the chain.
Every other path goes down the whole chain, unchanged.

What the skipped middleware gave an API answer is kept here: the Host header is
checked against ALLOWED_HOSTS and the answer gets its Content-Length (as
CommonMiddleware does), `X-Frame-Options` (XFrameOptionsMiddleware), and a
Content-Security-Policy: the one advised for an API (nothing in a JSON answer
may load or frame anything) instead of the pages' policy. A database out of
reach answers the JSON 503 of config/dbfaults.py, as
`DatabaseUnavailableMiddleware` does for views. An unknown path under the API
gets its JSON 404 without the lookup of a Wagtail redirect.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import resolve

from config import dbfaults

PREFIX = "/api/scoring/v1/"
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


class ScoringAPIMiddleware:
    """For the scoring API's paths, the view and nothing of the chain below."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        request.get_host()  # DisallowedHost (400) for a host not allowed
        # The API's last pattern takes any path under the prefix (unknown_path).
        match = resolve(request.path_info)
        request.resolver_match = match
        try:
            response = match.func(request, *match.args, **match.kwargs)
        except dbfaults.DATABASE_ERRORS as error:
            return dbfaults.unavailable(request, error)
        headers = response.headers
        if not response.streaming and "Content-Length" not in headers:
            headers["Content-Length"] = str(len(response.content))
        headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        headers.setdefault("Content-Security-Policy", API_CONTENT_SECURITY_POLICY)
        return response

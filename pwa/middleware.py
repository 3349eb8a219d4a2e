"""The two headers the service worker relies on (docs/pwa.md).

- `X-Account-Id` on every HTML page: the id of the account signed in, empty
  for a visitor. The worker keeps a page with the account it was read by and
  serves the copy only while that account is the one signed in.
- `Clear-Site-Data: "cache"` on the logout's answer: the browser drops what it
  cached over HTTP for the site (app.js and the worker drop their own copies).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

ACCOUNT_HEADER = "X-Account-Id"
LOGOUT_URL_NAME = "logout"


class ServiceWorkerHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method == "POST"
            and match is not None
            and match.url_name == LOGOUT_URL_NAME
            and not match.namespace
        ):
            response["Clear-Site-Data"] = '"cache"'
        if response.get("Content-Type", "").startswith("text/html"):
            user = getattr(request, "user", None)
            signed_in = user is not None and user.is_authenticated
            response[ACCOUNT_HEADER] = str(user.pk) if signed_in else ""
        return response

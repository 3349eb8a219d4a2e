"""Characters no database column can hold never reach a view (docs/security.md).

PostgreSQL text cannot hold a NUL character (psycopg raises `DataError`), and no
UTF-8 column holds a lone surrogate (a `\\ud800` in a JSON string decodes to
one). Any view that looks a URL part or a parameter up in the database would
answer 500 for them. This middleware refuses them first, before the session
cookie is looked up:

- in the path: 404, the page cannot exist;
- in the query string, the form fields and file names, a JSON body, a cookie or
  a header value: 400, with a French page (JSON under the APIs) saying what is
  wrong; nothing was read further, so nothing was written.

It sits right after `SecurityMiddleware`, before sessions: a session or CSRF
cookie carrying a NUL would otherwise reach the session table.
"""

import json
import re
from collections.abc import Callable, Iterable, Iterator

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# NUL, and the UTF-16 surrogates that only a broken decoding produces.
FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
# JSON endpoints answer JSON errors (the scoring API's shape, and suggestions).
JSON_PREFIXES = ("/api/", "/search/suggest")
# The scoring API checks its own input and answers the contract's error codes
# (`invalid_body`, `unknown_household`: docs/scoring-core.md).
SELF_CHECKING_PREFIXES = ("/api/scoring/",)
# Nesting deeper than this is no JSON body of ours; the view refuses it.
MAX_JSON_DEPTH = 64


def has_forbidden(text: str) -> bool:
    """True when `text` holds a character no database text column can store."""
    return FORBIDDEN.search(text) is not None


def _json_strings(value: object, depth: int = 0) -> Iterator[str]:
    """Every key and string of a decoded JSON document."""
    if depth > MAX_JSON_DEPTH:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item, depth + 1)


def _form_strings(request: HttpRequest) -> Iterable[str]:
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        # The scoring API reads its raw body; parsing it as a form here would
        # make that body unreadable. It only takes JSON anyway.
        if request.path_info.startswith("/api/"):
            return []
        strings = [*request.POST.keys(), *request.POST.values()]
        for name, files in request.FILES.lists():
            strings.append(name)
            strings.extend(upload.name or "" for upload in files)
        return strings
    if content_type == "application/x-www-form-urlencoded":
        return [text for key, values in request.POST.lists() for text in (key, *values)]
    if "json" in content_type and request.method in ("POST", "PUT", "PATCH"):
        try:
            document = json.loads(request.body or b"null")
        except (ValueError, RecursionError):
            return []  # the view answers its own "invalid body"
        return _json_strings(document)
    return []


def _headers(request: HttpRequest) -> Iterator[str]:
    for key, value in request.META.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "QUERY_STRING"):
            yield str(value)
    for name, value in request.COOKIES.items():
        yield name
        yield value


def _query(request: HttpRequest) -> Iterator[str]:
    for key, values in request.GET.lists():
        yield key
        yield from values


def bad_request(request: HttpRequest) -> HttpResponse:
    """The 400 answer: a page in French, or JSON under the JSON endpoints."""
    message = _(
        "Votre demande contient un caractère invalide (caractère nul ou "
        "caractère mal encodé). Rien n'a été enregistré : retirez-le et "
        "réessayez."
    )
    if request.path_info.startswith(JSON_PREFIXES):
        return JsonResponse(
            {"error": {"code": "bad_request", "message": message}}, status=400
        )
    return render(request, "400.html", {"message": message}, status=400)


class BadInputMiddleware:
    """404 for a path, 400 for any other input, holding NUL or a surrogate."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(SELF_CHECKING_PREFIXES):
            return self.get_response(request)
        if has_forbidden(request.path_info) or has_forbidden(request.path):
            raise Http404(_("Cette page n'existe pas."))
        for source in (_headers, _query, _form_strings):
            if any(has_forbidden(text) for text in source(request)):
                return bad_request(request)
        return self.get_response(request)

"""The database out of reach: a French « réessayez » answer (503), never a traceback.

When PostgreSQL restarts, fails over or refuses connections, a query raises
`django.db.OperationalError` (connection refused, terminated by administrator,
server closed the connection) or `InterfaceError` (a connection already closed).
Nothing of that request was committed unless its transaction had ended, and a
write repeated with the same client key is stored once, so asking the resident
to send again loses nothing and duplicates nothing.

Two ways in, because Django turns an exception into a response at every
middleware layer:

- `DatabaseUnavailableMiddleware.process_exception` answers what a view raised
  (almost every case: queries run in views);
- `server_error`, the project's `handler500`, answers what a middleware raised
  (a session saved after the view, Wagtail's redirects) and keeps the plain
  500 page for every other error.

Websockets have a third: `WebsocketDatabaseGuard` (config/asgi.py) closes a
socket whose handshake (the session and user lookup) or whose consumer could
not reach the database with 1013 "try again later", accepting it first if
needed, instead of a 500 handshake or a 1011 close with a traceback; the
client reconnects with backoff and resumes its streams from the log (`since`).

The broken connection is closed at once, so that the next request of this
thread (daphne runs every view in one thread per process) opens a new one
instead of failing on the dead socket; `CONN_HEALTH_CHECKS` (settings) does the
same for a persistent connection that died between two requests.
"""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults

from config.badinput import JSON_PREFIXES

logger = logging.getLogger(__name__)

# Seconds: a restart of PostgreSQL or a failover takes a few.
RETRY_AFTER = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)
# RFC 6455 "try again later", as realtime/consumers.py closes when Redis is down.
CLOSE_TRY_AGAIN_LATER = 1013


def wants_json(request: HttpRequest) -> bool:
    """JSON endpoints, and clients that ask for JSON rather than a page."""
    if request.path_info.startswith(JSON_PREFIXES):
        return True
    accept = request.headers.get("Accept", "")
    if "application/json" not in accept:
        return False
    return request.get_preferred_type(["application/json", "text/html"]) == (
        "application/json"
    )


def first_line(error: Exception) -> str:
    """The error's first line: psycopg's messages carry the server's detail below."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def close_broken_connections() -> None:
    """Close every connection of this thread that no longer answers.

    Django would close it at the end of the request (`close_old_connections`);
    doing it here also covers code that keeps the thread busy after the error.
    """
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            # An outer atomic block still owns it: it rolls back and Django
            # closes the connection when the request ends.
            continue
        connection.close_if_unusable_or_obsolete()


def unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    """The 503 answer: a page in French, or JSON, with `Retry-After`."""
    logger.warning(
        "database unavailable on %s %s: %s",
        request.method,
        request.path,
        first_line(error),
    )
    close_broken_connections()
    message = _(
        "Le site ne peut pas joindre sa base de données pour le moment. Ce que "
        "vous venez d'envoyer n'est peut-être pas enregistré : réessayez dans "
        "quelques secondes, votre envoi ne sera pas compté deux fois."
    )
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {
                "error": {
                    "code": "unavailable",
                    "message": message,
                    "retry_after": RETRY_AFTER,
                }
            },
            status=503,
        )
    else:
        # No request context: the context processors would query the database.
        response = HttpResponse(
            render_to_string("503.html", {"message": message}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """A view that could not reach the database answers 503, not 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: 503 when the error is the database out of reach."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return unavailable(request, error)
    return defaults.server_error(request)


class WebsocketDatabaseGuard:
    """ASGI middleware: a websocket that hit the database out of reach gets 1013.

    Channels' session and auth middleware read the session and the user before
    the consumer runs: with the database down that raised out of the
    application and daphne answered the handshake with a 500. A consumer query
    that failed (a subscribe's permission check, the replay) closed the socket
    with 1011. Both now accept the handshake if it is not yet and close with
    "try again later". The broken connection is closed by the next
    `database_sync_to_async` call (`close_old_connections`), in the thread
    that owns it.
    """

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "websocket":
            await self.application(scope, receive, send)
            return
        state = {"connect_read": False, "accepted": False, "closed": False}

        async def receive_tracked():
            message = await receive()
            if message["type"] == "websocket.connect":
                state["connect_read"] = True
            return message

        async def send_tracked(message):
            if message["type"] == "websocket.accept":
                state["accepted"] = True
            elif message["type"] == "websocket.close":
                state["closed"] = True
            await send(message)

        try:
            await self.application(scope, receive_tracked, send_tracked)
        except DATABASE_ERRORS as error:
            logger.warning(
                "database unavailable on websocket %s, closing with %d: %s",
                scope.get("path"),
                CLOSE_TRY_AGAIN_LATER,
                first_line(error),
            )
            if state["closed"]:
                return
            if not state["accepted"]:
                if not state["connect_read"]:
                    message = await receive()
                    if message["type"] != "websocket.connect":
                        return
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})

"""ASGI entry point, served by `python -m config.server` (uvicorn, config/server.py).

HTTP goes to Django; the one websocket endpoint `/ws/` goes to the realtime app,
behind a guard that closes with 1013 when the database is out of reach, an
origin check (the Origin header must name one of ALLOWED_HOSTS, so another site
cannot open a socket with a resident's cookie) and the session authentication.

Every HTTP request is served by `SyncPathHandler`: Django's middleware and
views, all synchronous, run the way a WSGI server runs them, in one call on a
thread that lives as long as the process (issue 14: first the scoring API, then
the pages, docs/performance.md).
"""

import os
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core import signals
from django.core.asgi import get_asgi_application
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import HttpResponseBase
from django.urls import set_script_prefix

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Django is set up before anything imports models.
django_asgi_app = get_asgi_application()

from config.dbfaults import WebsocketDatabaseGuard  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402  (needs Django set up)

# Threads of a process that run HTTP requests. Each holds a pooled database
# connection while it serves one (at most `DB_POOL_MAX_SIZE`, 20). Requests
# beyond them wait their turn in the event loop; more threads would only wait
# for the GIL, except while one waits on another server (the scoring core, the
# search engine: 2 s at most each), so a few more than the 2 or 4 that keep a
# core busy (`HTTP_THREADS`).
SYNC_PATH_THREADS = int(os.environ.get("HTTP_THREADS", "8"))


class SyncPathHandler(ASGIHandler):
    """HTTP requests answered by Django's synchronous chain, in one thread hop.

    Django's ASGI handler runs a request's sync code on a thread made for that
    request (asgiref's `ThreadSensitiveContext`), reached three times: the
    `request_started` signal, the middleware and view, and `response.close()`
    with `request_finished`; it also watches for a disconnect in a task of its
    own and starts one more thread to join the first. Under uvicorn that cost
    more CPU than the scoring API's action itself (docs/performance.md, « Issue
    14 »). Here the body is read on the event loop, then one call on a
    long-lived thread does what `WSGIHandler` does, the signals included: the
    same middleware (`load_middleware()`, synchronous), the same views, the
    same answers; the event loop writes the answer.

    The thread's database connection is Django's per-thread one, returned to
    the pool by `request_finished`, as under a threaded WSGI server. A view is
    not cancelled when its client goes away (a synchronous view never is: the
    ASGI handler's cancel only stops waiting for it).
    """

    def __init__(self, threads: int = SYNC_PATH_THREADS) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="sync-http")
        self.respond_in_thread = self.in_thread(self.respond)

    async def __call__(self, scope, receive, send) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            response = await self.respond_in_thread(scope, body_file)
            await self.send_response(response, send)
            if response.streaming:
                await self.in_thread(response.close)()
        finally:
            body_file.close()

    def in_thread(self, function):
        # asgiref's wrapper rather than the executor alone: sync code that
        # calls `async_to_sync` (the channel layer) runs it on this event loop.
        return sync_to_async(function, thread_sensitive=False, executor=self.executor)

    def respond(self, scope, body_file) -> HttpResponseBase:
        """What `WSGIHandler.__call__` does, from an ASGI scope."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
        response._handler_class = self.__class__
        if not response.streaming:
            # Its content is in memory: `request_finished` (the connection back
            # to the pool) need not wait for the client to read it.
            response.close()
        return response


sync_path_app = SyncPathHandler()


async def http_application(scope, receive, send) -> None:
    """Every HTTP request through `SyncPathHandler` (the site has no async
    view: tests/test_asgi_handler.py checks it)."""
    await sync_path_app(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": http_application,
        # The database out of reach closes a socket with 1013, never a 500
        # handshake (config/dbfaults.py).
        "websocket": WebsocketDatabaseGuard(
            AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            )
        ),
    }
)

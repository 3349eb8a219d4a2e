"""ASGI entry point, served by `python -m config.server` (uvicorn, config/server.py).

HTTP goes to Django; the one websocket endpoint `/ws/` goes to the realtime app,
behind a guard that closes with 1013 when the database is out of reach, an
origin check (the Origin header must name one of ALLOWED_HOSTS, so another site
cannot open a socket with a resident's cookie) and the session authentication.
"""

import os

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Django is set up before anything imports models.
django_asgi_app = get_asgi_application()

from config.dbfaults import WebsocketDatabaseGuard  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402  (needs Django set up)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The database out of reach closes a socket with 1013, never a 500
        # handshake (config/dbfaults.py).
        "websocket": WebsocketDatabaseGuard(
            AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            )
        ),
    }
)

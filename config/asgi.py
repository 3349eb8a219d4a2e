"""ASGI entry point served by daphne.

Only HTTP is routed for now; the websocket endpoint `/ws/` joins this router with
the realtime app, behind `AllowedHostsOriginValidator(AuthMiddlewareStack(...))`.
"""

import os

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Django is set up before anything imports models.
django_asgi_app = get_asgi_application()

application = ProtocolTypeRouter({"http": django_asgi_app})

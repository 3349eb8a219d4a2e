"""WSGI entry point gunicorn serves for the peer bench."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_spirit.settings")

application = get_wsgi_application()

"""`make test`: the real services started by scripts/services.sh.

The defaults point at the loopback services that script starts; the suite checks
they answer and fails (never skips) when one is missing.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import (
    CACHE_OPTIONS,
    DATABASE_OPTIONS,
    MIDDLEWARE,
    SMARTCITIZEN,
    add_connection_pool,
    env,
)

# pytest-xdist runs the suite in workers gw0, gw1, … at once. pytest-django gives
# each its own database; the Redis db, the channel prefix (pub/sub ignores the
# db number) and the search index prefix follow the worker here. A subprocess
# the tests start (the browser tests' daphne) is handed the values already
# chosen and the worker variable removed, so it never shifts them twice.
XDIST_SLOT = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def _redis_db(url: str, shift: int) -> str:
    """`url` with its database number moved on by `shift` (Redis has 16)."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(number + shift) % 16}"))


DEBUG = False
SECRET_KEY = "test-only-not-secret-smart-citizen-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default="postgres://smartcitizen:smartcitizen@127.0.0.1:5432/smartcitizen",
    )
}
DATABASES["default"].update(DATABASE_OPTIONS)
add_connection_pool(DATABASES["default"])
REDIS_URL = _redis_db(
    env.str("REDIS_URL", default="redis://127.0.0.1:6379/1"), XDIST_SLOT
)
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="http://127.0.0.1:9200")
# One index per test database, so that parallel runs on their own databases
# never share documents.
SEARCH_INDEX_PREFIX = env.str(
    "SEARCH_INDEX_PREFIX",
    default="test-"
    + str(DATABASES["default"]["NAME"]).lower().replace("_", "-")
    + (f"-gw{XDIST_SLOT}" if "PYTEST_XDIST_WORKER" in os.environ else ""),
)
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        # See base.py (the layer and the socket timeout).
        "CONFIG": {
            "hosts": [{"address": REDIS_URL, "socket_timeout": 10}],
            # Channels are pub/sub names, shared by every db of one Redis.
            "prefix": "asgi" + urlsplit(REDIS_URL).path.strip("/"),
        },
    }
}
CACHES = {
    "default": {
        "BACKEND": "config.cache.SharedRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "sctest",
        "OPTIONS": CACHE_OPTIONS,
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "exports": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SMARTCITIZEN["OPEN_SIGNUP"] = True
# New members are not limited in other apps' tests; tests/moderation turn it on.
SMARTCITIZEN["MODERATION"] = {
    **SMARTCITIZEN["MODERATION"],
    "NEW_MEMBER_DAYS": 0,
    "NEW_MEMBER_ACTIVITY": 0,
}
# A fixed VAPID pair for the tests only (docs/push.md); pushes go to the local
# emulator, sent in the committing thread so that the test sees the outcome.
SMARTCITIZEN["VAPID_PUBLIC_KEY"] = (
    "BIzst7PhftXxNOUj-8n8HmaDDHuvLtNWE_asqwo1zEK2q_0HtDcxwzump0-562EEfrZvCKx_zpmPq6JLWdUkUOQ"
)
SMARTCITIZEN["VAPID_PRIVATE_KEY"] = "BpsrYxzqu6M3kzKlnc4LTrNXBg9jO5N8PCu2_eHLOw0"  # noqa: S105
SMARTCITIZEN["PUSH_INLINE"] = True
SMARTCITIZEN["PUSH_LOCAL_ENDPOINTS"] = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Static files are served by the test client's finders, not from collectstatic.
MIDDLEWARE = [
    entry
    for entry in MIDDLEWARE
    if entry != "whitenoise.middleware.WhiteNoiseMiddleware"
]

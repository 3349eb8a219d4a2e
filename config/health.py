"""`GET /healthz`: the state of each part the site leans on.

Each part is `ok` (a real service answered), `embedded` (the in-process default
of `make run`) or `down`. The answer is 200 while the database answers, 503
otherwise: the site can serve pages without Redis or Elasticsearch, not without
its database.
"""

import asyncio
import secrets
import urllib.error
import urllib.request

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

OK, EMBEDDED, DOWN = "ok", "embedded", "down"
PROBE_TIMEOUT = 2.0


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return DOWN
    return OK


def check_channel_layer() -> str:
    layer = get_channel_layer()
    if layer is None:
        return DOWN

    async def round_trip() -> bool:
        channel = await layer.new_channel("healthz.")
        await layer.send(channel, {"type": "healthz.probe"})
        message = await asyncio.wait_for(layer.receive(channel), PROBE_TIMEOUT)
        return message.get("type") == "healthz.probe"

    try:
        answered = async_to_sync(round_trip)()
    except Exception:
        return DOWN
    if not answered:
        return DOWN
    return EMBEDDED if isinstance(layer, InMemoryChannelLayer) else OK


def check_cache() -> str:
    cache = caches["default"]
    nonce = secrets.token_hex(8)
    try:
        cache.set("healthz", nonce, timeout=10)
        answered = cache.get("healthz") == nonce
    except Exception:
        return DOWN
    if not answered:
        return DOWN
    return EMBEDDED if isinstance(cache, LocMemCache) else OK


def check_http(url: str) -> str:
    """A service reached over HTTP is up when it answers anything below 500."""
    if not url.startswith(("http://", "https://")):
        return DOWN
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT) as answer:  # noqa: S310
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (OSError, ValueError):
        return DOWN
    return OK if status < 500 else DOWN


def check_search() -> str:
    url = settings.ELASTICSEARCH_URL
    return check_http(url) if url else EMBEDDED


def check_scoring() -> str:
    url = settings.SCORING_CORE_URL
    return check_http(url) if url else EMBEDDED


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {
        "database": check_database(),
        "channel_layer": check_channel_layer(),
        "cache": check_cache(),
        "search": check_search(),
        "scoring": check_scoring(),
    }
    status = 200 if parts["database"] == OK else 503
    return JsonResponse(
        {"status": OK if status == 200 else DOWN, **parts}, status=status
    )

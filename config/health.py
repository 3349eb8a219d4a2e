"""`GET /healthz`: the state of each part the site leans on.

Each part is `ok` (a real service answered), `embedded` (the in-process default
of `make run`) or `down`. The answer is 200 while the database answers, 503
otherwise: the site can serve pages without Redis or Elasticsearch, not without
its database. `status` is `ok`, `degraded` (the site serves, some part is down:
`degraded` lists them, and docs/decisions.md says what each one costs) or
`down` (no database). Also reported: the scoring core's circuit breaker, the
actions waiting for the core (« en attente ») and this process's live sends
waiting for the channel layer.
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

from realtime import publish
from scoring import transport

OK, EMBEDDED, DOWN, DEGRADED = "ok", "embedded", "down", "degraded"
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


def breaker_state() -> str:
    """`open` while pages skip the core (scoring/transport.py), else `closed`."""
    try:
        return "open" if transport.is_open() else "closed"
    except Exception:
        return "unknown"


def pending_actions() -> int | None:
    """« J'ai agi » stored pending, waiting for the core (None: no database)."""
    from challenges.models import ActionStatus, LoggedAction

    try:
        return LoggedAction.objects.filter(status=ActionStatus.PENDING).count()
    except Exception:
        return None


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {
        "database": check_database(),
        "channel_layer": check_channel_layer(),
        "cache": check_cache(),
        "search": check_search(),
        "scoring": check_scoring(),
    }
    breaker = breaker_state()
    degraded = [name for name, state in parts.items() if state == DOWN]
    if breaker == "open" and "scoring" not in degraded:
        # The core answers this probe again, but pages still skip it until
        # the breaker's next trial call.
        degraded.append("scoring")
    if parts["database"] != OK:
        code, status = 503, DOWN
    else:
        code, status = 200, DEGRADED if degraded else OK
    body = {
        "status": status,
        **parts,
        "degraded": degraded,
        "scoring_breaker": breaker,
        "pending_actions": pending_actions() if parts["database"] == OK else None,
        "live_resend_streams": publish.missed_count(),
    }
    return JsonResponse(body, status=code)

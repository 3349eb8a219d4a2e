"""Rate limits on the site's doors: sign-up, login, invitations, search.

One fixed-window counter (`count_hit`, also used by `feeds/ratelimit.py` for
posts, comments and chat and by `moderation/trust.py` for new members), keyed
by a member or, for anonymous visitors, by the client's address; limits are
`SMARTCITIZEN["<SCOPE>_RATE"] = (count, seconds)`. Counters live in the shared
cache (Redis), so every daphne process counts together.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request: HttpRequest) -> str:
    """The client's address: a trusted proxy's header when one is configured."""
    header = settings.SMARTCITIZEN["CLIENT_IP_HEADER"]
    if header:
        forwarded = request.META.get(header, "")
        # A proxy appends the address it saw last: trust that one only.
        address = forwarded.split(",")[-1].strip()
        if address:
            return address
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def identity(request: HttpRequest) -> str:
    """Who is counted: the signed-in user, or the client's address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    # Hashed: addresses are personal data and need not sit in Redis in clear.
    digest = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    return f"ip:{digest}"


def count_hit(key: str, period: int) -> tuple[int, float]:
    """Count one hit on `key` in the fixed window of `period` seconds of now.

    Return the count so far in this window and the seconds left in it. `add`
    creates the counter with its expiry and `incr` is atomic in Redis, so
    concurrent requests count right. The one counter of every rate limit of
    the site (feeds.ratelimit, moderation.trust and the doors below).
    """
    now = time.time()
    window = int(now // period)
    counter = f"{key}:{window}"
    cache.add(counter, 0, timeout=period + 5)
    try:
        count = cache.incr(counter)
    except ValueError:
        # Expired between add and incr: this hit opens a new window.
        cache.set(counter, 1, timeout=period + 5)
        count = 1
    return count, (window + 1) * period - now


def hit(scope: str, who: str) -> int:
    """Count one request of `scope` by `who`; return 0 when allowed.

    Past the limit, return the seconds until the window ends (at least 1).
    """
    limit, period = settings.SMARTCITIZEN[f"{scope.upper()}_RATE"]
    count, left = count_hit(f"ratelimit:{scope}:{who}", period)
    if count <= limit:
        return 0
    return max(1, math.ceil(left))


def limit_message(retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    return _(
        "Trop de demandes en peu de temps. Par sécurité, attendez %(minutes)d min "
        "avant de réessayer."
    ) % {"minutes": minutes}


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The 429 page, in French, with the time to wait."""
    response = render(
        request,
        "429.html",
        {"message": limit_message(retry_after)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def too_many_requests_json(retry_after: int) -> JsonResponse:
    """The 429 answer of JSON endpoints, with an error code."""
    response = JsonResponse(
        {"error": {"code": "rate_limited", "message": limit_message(retry_after)}},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response

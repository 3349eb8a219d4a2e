"""Rate limits on the site's doors: sign-up, login, invitations, search.

One fixed-window counter (`count_hit`, also used by `common/ratelimit.py` for
posts, comments and chat and by `moderation/trust.py` for new members), keyed
by a member or, for anonymous visitors, by the client's address; limits are
`SMARTCITIZEN["<SCOPE>_RATE"] = (count, seconds)`. Counters live in the shared
cache (Redis), so every daphne process counts together.

When the cache does not answer (Redis down or hanging), each process counts in
its own memory instead (`LocalCounter`): limits still hold, at most N times
looser with N daphne processes, and never "no limit" (docs/security.md).
"""

import hashlib
import logging
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from redis.exceptions import RedisError


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


logger = logging.getLogger(__name__)

# The wall clock of the windows. The test suite holds it still for a test's
# length (tests/conftest.py: `steady_rate_windows`), so that a limit reached in
# a test is not lifted by a window ending half-way through it.
clock = time.time

# After the cache failed, count locally for this long before trying it again: a
# hanging Redis then costs one socket timeout per process every few seconds,
# not one per request.
CACHE_RETRY_SECONDS = 5.0
# Live windows kept by the local counter at most (about 150 bytes each).
LOCAL_MAX_COUNTERS = 100_000


class LocalCounter:
    """Fixed-window counters in this process's memory: the fallback of the cache.

    Thread-safe (daphne runs Django views in a thread pool). Memory is bounded:
    expired windows are pruned at most once a second and, past
    `max_counters` live windows, the ones ending first are dropped (an attacker
    with that many addresses could loosen limits; never lift them all).
    """

    def __init__(self, max_counters: int = LOCAL_MAX_COUNTERS) -> None:
        self.max_counters = max_counters
        self._lock = threading.Lock()
        # counter key -> [count, time.time() at which its window ends]
        self._counts: dict[str, list] = {}
        self._pruned = 0.0

    def incr(self, counter: str, ends: float) -> int:
        """Count one hit on `counter`, a window ending at `ends`; return its count."""
        with self._lock:
            now = clock()
            if now - self._pruned >= 1 or len(self._counts) >= self.max_counters:
                self._prune(now)
            entry = self._counts.get(counter)
            if entry is None:
                entry = self._counts[counter] = [0, ends]
            entry[0] += 1
            return entry[0]

    def _prune(self, now: float) -> None:
        # Caller holds the lock.
        self._pruned = now
        self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
        excess = len(self._counts) - self.max_counters + 1
        if excess > 0:
            for key, _entry in sorted(self._counts.items(), key=lambda kv: kv[1][1])[
                :excess
            ]:
                del self._counts[key]

    def __len__(self) -> int:
        return len(self._counts)


local_counter = LocalCounter()
# time.monotonic() until which the cache is not tried (0: the cache is up).
_cache_down_until = 0.0
_state_lock = threading.Lock()


def _cache_count(counter: str, period: int) -> int:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _redis_count(backend, counter, period + 5)
    cache.add(counter, 0, timeout=period + 5)
    try:
        return cache.incr(counter)
    except ValueError:
        # Expired between add and incr: this hit opens a new window.
        cache.set(counter, 1, timeout=period + 5)
        return 1


def _redis_count(backend: RedisCache, counter: str, timeout: int) -> int:
    """`add` then `incr` in one round trip to Redis instead of three.

    Django's `add` is a SET NX and its `incr` an EXISTS then an INCR: three
    round trips per hit, six for a new member's post (issue 14: they stood
    before every live post). INCR then EXPIRE NX in one MULTI does the same:
    the counter's first hit creates it and gives it its expiry, later hits
    leave the expiry alone, and no hit can land between the two (the window
    cannot expire between them and leave a counter that never expires). The
    key and the stored integer are Django's own, so `cache.get` reads the
    counter as before. EXPIRE's NX needs Redis 7.
    """
    key = backend.make_and_validate_key(counter)
    # Django's client of the cache (`get_client`), with its pool and options.
    pipeline = backend._cache.get_client(key, write=True).pipeline(transaction=True)
    pipeline.incr(key)
    pipeline.expire(key, timeout, nx=True)
    count, _expiry_set = pipeline.execute()
    return int(count)


def _cache_failed(error: Exception) -> None:
    global _cache_down_until
    with _state_lock:
        first = _cache_down_until == 0.0
        _cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS
    if first:
        # Once per outage, not once per hit.
        logger.warning(
            "Rate limits: the cache does not answer (%s); counting in this "
            "process's memory until it does.",
            error,
        )


def _cache_answered() -> None:
    global _cache_down_until
    if _cache_down_until:
        with _state_lock:
            _cache_down_until = 0.0
        logger.warning("Rate limits: the cache answers again; counting there.")


def count_hit(key: str, period: int) -> tuple[int, float]:
    """Count one hit on `key` in the fixed window of `period` seconds of now.

    Return the count so far in this window and the seconds left in it. The
    counter is created with its expiry and incremented atomically in Redis
    (`_redis_count`; `add` then `incr` with another cache), so concurrent
    requests count right. The one counter of every rate limit of
    the site (common.ratelimit, moderation.trust and the doors below). When the
    cache fails, the hit is counted in `local_counter` instead.
    """
    now = clock()
    window = int(now // period)
    counter = f"{key}:{window}"
    ends = (window + 1) * period
    if time.monotonic() >= _cache_down_until:
        try:
            count = _cache_count(counter, period)
        except (RedisError, OSError) as error:
            # redis-py's ConnectionError and TimeoutError are RedisErrors.
            _cache_failed(error)
        else:
            _cache_answered()
            return count, ends - now
    return local_counter.incr(counter, ends), ends - now


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

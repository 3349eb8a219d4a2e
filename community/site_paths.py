"""Wagtail's site root paths while the cache (Redis) does not answer.

Wagtail keeps the list of the sites' root paths in the default cache and reads
it for every page URL: `{% pageurl %}`, `page.url`, the redirects of the
challenge forms. Its cache calls are not guarded, so with Redis down every page
that links to a Wagtail page answered 500 (the challenge pages and their
« J'ai agi » form in `bench/fault_bench.py`, docs/performance.md, "Faults under
load"). `install()` (from `CommunityConfig.ready`) gives Wagtail's sites module
a handle on the same cache whose failed reads are a miss and whose failed writes
are skipped: the paths are then read from the database (one query per request)
until Redis answers again. Deletes (a site saved in the admin) still raise, so
that no stale list can outlive an outage unnoticed.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# redis-py's connection and timeout errors are RedisErrors; a refused socket
# can surface as OSError.
CACHE_ERRORS = (RedisError, OSError)
# One warning per process this often at most during an outage.
WARNING_INTERVAL = 60.0


class FailSoftCache:
    """A cache whose `get` and `set` treat a cache that does not answer as empty."""

    def __init__(self, cache) -> None:
        self._cache = cache
        self._warned = 0.0
        self._lock = threading.Lock()

    def get(self, key, default=None, version=None):
        try:
            return self._cache.get(key, default, version=version)
        except CACHE_ERRORS as error:
            self._warn(error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        try:
            self._cache.set(key, value, timeout, version=version)
        except CACHE_ERRORS as error:
            self._warn(error)

    def __getattr__(self, name: str):
        return getattr(self._cache, name)

    def _warn(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._warned < WARNING_INTERVAL and self._warned:
                return
            self._warned = now
        logger.warning(
            "Wagtail's site root paths: the cache does not answer (%s); read "
            "from the database until it does.",
            error,
        )


def install() -> None:
    """Give `wagtail.models.sites` the fail-soft handle (once)."""
    from wagtail.models import sites

    if not isinstance(sites.cache, FailSoftCache):
        sites.cache = FailSoftCache(sites.cache)

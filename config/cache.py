"""Django's Redis cache with one connection pool per process.

Django keeps a cache object per context (`asgiref.local.Local`, not per
thread), and each new object makes its own `RedisCacheClient`, hence its own
connection pool. A request served on a thread of `config.asgi.SyncPathHandler`
runs in a context of its own, so each request opened a new connection to Redis
at its first cache call (the town's generation, community/towns.py) and left
it to be closed: a TCP connection and a health check per page, the largest
Redis cost of a page under load (py-spy of a server process, issue 14,
docs/performance.md). Here every cache object of a process with the same
servers and options shares one client and its pools; redis-py's pools are
safe across threads and start afresh in a forked child. A connection that
died with a Redis restart is replaced by redis-py's retry on the next call,
as the fault tests check (tests/faults/test_redis_down.py).
"""

import threading

from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property

_clients: dict[tuple, object] = {}
_lock = threading.Lock()


class SharedRedisCache(RedisCache):
    @cached_property
    def _cache(self):
        key = (self._class, tuple(self._servers), repr(sorted(self._options.items())))
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client

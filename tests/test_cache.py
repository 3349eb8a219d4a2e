"""config.cache.SharedRedisCache: one Redis client (and pool) per process,
whatever the context a request runs in (issue 14: each request served on a
`SyncPathHandler` thread opened a connection of its own)."""

import threading

from django.core.cache import caches

from config.cache import SharedRedisCache


def _in_a_thread_of_its_own(function):
    out = []
    thread = threading.Thread(target=lambda: out.append(function()))
    thread.start()
    thread.join()
    return out[0]


def test_every_context_shares_one_client_and_its_pool():
    here = caches["default"]
    assert isinstance(here, SharedRedisCache)
    there = _in_a_thread_of_its_own(lambda: caches["default"])
    assert there is not here  # Django's one cache object per context
    assert there._cache is here._cache
    here.set("shared-cache-test", 1)
    assert _in_a_thread_of_its_own(lambda: caches["default"].get("shared-cache-test"))
    assert len(here._cache._pools) == 1
    pool = next(iter(here._cache._pools.values()))
    # The requests of both contexts went through the same pool.
    assert pool is _in_a_thread_of_its_own(
        lambda: caches["default"]._cache._get_connection_pool(write=True)
    )

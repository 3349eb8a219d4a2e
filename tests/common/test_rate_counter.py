"""The one counter of every rate limit (config.ratelimit.count_hit) in Redis:
one round trip per hit, Django's own key and value, an expiry set once."""

import redis
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from config import ratelimit


def test_hits_count_in_one_round_trip_under_the_cache_key(monkeypatch):
    assert isinstance(caches["default"], RedisCache)  # the test settings' Redis
    client = caches["default"]._cache.get_client(write=True)
    round_trips: list[int] = []
    pipeline_class = type(client.pipeline())
    execute = pipeline_class.execute

    def counted(self, *args, **kwargs):
        round_trips.append(len(self.command_stack))
        return execute(self, *args, **kwargs)

    monkeypatch.setattr(pipeline_class, "execute", counted)
    plain_execute = redis.Redis.execute_command
    commands: list[str] = []

    def plain(self, *args, **kwargs):
        commands.append(str(args[0]))
        return plain_execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", plain)

    counts = [ratelimit.count_hit("essai:compteur", 600)[0] for _ in range(3)]

    assert counts == [1, 2, 3]
    assert round_trips == [2, 2, 2]  # INCR and EXPIRE NX in one MULTI, per hit
    assert commands == []  # nothing else (Django's add and incr took three)
    window = int(ratelimit.clock() // 600)
    # Read back through the cache as before: an integer under Django's key.
    assert cache.get(f"essai:compteur:{window}") == 3
    key = caches["default"].make_and_validate_key(f"essai:compteur:{window}")
    assert 600 < client.ttl(key) <= 605


def test_later_hits_keep_the_windows_expiry_and_a_new_window_starts_at_one(
    monkeypatch,
):

    client = caches["default"]._cache.get_client(write=True)
    ratelimit.count_hit("essai:fenetre", 60)
    window = int(ratelimit.clock() // 60)
    key = caches["default"].make_and_validate_key(f"essai:fenetre:{window}")
    client.expire(key, 30)

    count, left = ratelimit.count_hit("essai:fenetre", 60)

    assert count == 2 and 0 < left <= 60
    assert client.ttl(key) <= 30  # not pushed back by the second hit
    later = ratelimit.clock() + 60
    monkeypatch.setattr(ratelimit, "clock", lambda: later)
    assert ratelimit.count_hit("essai:fenetre", 60)[0] == 1

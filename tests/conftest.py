"""Shared fixtures. The suite runs against the real PostgreSQL and Redis that
`make test` starts; a missing service stops the run with an error, never a skip."""

import time
from collections.abc import Iterator

import pytest
import redis
from channels.layers import channel_layers
from django.conf import settings

from tests.factories import make_member, make_town


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every transactional test restores the rows the migrations wrote.

    A transactional test ends by emptying every table, Wagtail's root page, the
    default site, the role groups and the first consent text included; without
    a serialized rollback the next test that needs them would find nothing.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if marker.kwargs.get("serialized_rollback"):
            continue
        kwargs = {**marker.kwargs, "serialized_rollback": True}
        item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.fixture(scope="session", autouse=True)
def real_services() -> None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(f"The suite runs on PostgreSQL, not {engine}.", returncode=3)
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        client.ping()
        client.flushdb()
    except redis.RedisError as error:
        pytest.exit(
            f"Redis is not reachable at {settings.REDIS_URL} ({error}); "
            "start it with `bash scripts/services.sh start`.",
            returncode=3,
        )
    forget_earlier_search_indexes()


def forget_earlier_search_indexes() -> None:
    """Drop this test database's Elasticsearch indexes left by an earlier run.

    They outlive a run (only tests/search empties them per test), while a new
    test database numbers its rows from 1 again: an earlier run's documents of
    town B then carried the id of this run's town A, and the cross-town matrix
    saw B's « Zorglub » in A's search. Best effort: tests outside tests/search
    do not need Elasticsearch (tests/search/conftest.py requires it).
    """
    from elasticsearch import Elasticsearch
    from elasticsearch import exceptions as es_errors

    from search import backend

    if not settings.ELASTICSEARCH_URL:
        return
    try:
        Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=5).indices.delete(
            index=f"{backend.alias_name()}*",
            ignore_unavailable=True,
            allow_no_indices=True,
        )
    except (es_errors.ConnectionError, es_errors.ConnectionTimeout):
        pass


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    """A channel layer of the test's own.

    channels caches one layer instance per process, and channels_redis binds its
    receive lock to the event loop that first used it; each async test runs in
    a loop of its own, so a layer left from another test can fail on that lock.
    """
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def clean_cache() -> None:
    from django.core.cache import cache

    from community.towns import forget_towns

    cache.clear()
    # The towns this process kept belong to the last test's database.
    forget_towns()


@pytest.fixture(autouse=True)
def steady_rate_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate-limit windows that do not end during a test.

    The limits count in fixed windows (config/ratelimit.py): a test that makes
    N allowed requests and expects the next to be refused failed whenever a
    minute ended between them (CI, stop 26). The windows' clock is held at the
    test's start; only this process's views see it (live servers run apart).
    """
    from config import ratelimit

    now = time.time()
    monkeypatch.setattr(ratelimit, "clock", lambda: now)


@pytest.fixture
def town(db):
    return make_town("Val-Test")


@pytest.fixture
def neighbourhood(town):
    from tests.factories import NeighbourhoodFactory

    return NeighbourhoodFactory(town=town)


@pytest.fixture
def member(town, neighbourhood):
    return make_member(town, neighbourhood=neighbourhood)

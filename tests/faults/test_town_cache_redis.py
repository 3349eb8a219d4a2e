"""The towns kept per process while Redis is killed or frozen (community/towns.py).

In process (Django's test client), the cache pointed at a Redis of this test's
own (`fault_redis`). While it does not answer nothing is kept: every page
answers, reads its town from the database (a change shows at once, signals or
not) and, frozen, only the first request waits for the cache's socket timeout
(`CACHE_SOCKET_TIMEOUT`): the cache is not asked again for
`CACHE_RETRY_SECONDS`. Once Redis is back, a change made during the outage
shows, and the town is kept again. (Saving a town page with Redis down fails
by Wagtail's own cache delete, community/site_paths.py: not this cache's.)
"""

import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Site

from community import towns
from community.models import TownPage
from tests.support.redis_server import redis_settings

pytestmark = pytest.mark.django_db

# The cache's socket timeout (1 s) and the page itself, on a loaded machine.
FIRST_BOUND = 3.0
# Pages after the first, the cache not asked.
NEXT_BOUND = 0.9


def brand(html: str) -> str:
    start = html.index('<a class="brand" href="/">') + len('<a class="brand" href="/">')
    return html[start : html.index("<span", start)]


def town_reads(queries) -> int:
    table = Site._meta.db_table
    return sum(f'FROM "{table}" s' in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("fault", ["killed", "frozen"])
def test_pages_read_their_town_while_redis_is_out_of_reach(
    fault, fault_redis, member, neighbourhood, town
):
    client = Client()
    client.force_login(member.user)
    url = reverse("feeds:neighbourhood", args=[neighbourhood.slug])
    overrides = redis_settings(fault_redis.url)
    overrides["CACHES"]["default"]["OPTIONS"] = settings.CACHE_OPTIONS
    with override_settings(**overrides):
        towns.forget_towns()
        client.get(url)
        with CaptureQueriesContext(connection) as kept:
            assert brand(client.get(url).content.decode()) == town.title
        assert town_reads(kept) == 0
        if fault == "killed":
            fault_redis.kill()
        else:
            fault_redis.freeze()
        try:
            # A change another process made (no signal here): shows at once.
            TownPage.objects.filter(pk=town.pk).update(title="Pendant la panne")
            seconds = []
            with CaptureQueriesContext(connection) as down:
                for _ in range(3):
                    started = time.monotonic()
                    response = client.get(url)
                    seconds.append(time.monotonic() - started)
                    assert response.status_code == 200
                    assert brand(response.content.decode()) == "Pendant la panne"
            assert town_reads(down) == 3
        finally:
            if fault == "frozen":
                fault_redis.thaw()
            else:
                fault_redis.start()
        assert seconds[0] < FIRST_BOUND, seconds
        assert max(seconds[1:]) < NEXT_BOUND, seconds
        # Back: asked again after the retry delay, and kept again.
        towns._kept["cache_down_until"] = 0.0
        assert brand(client.get(url).content.decode()) == "Pendant la panne"
        with CaptureQueriesContext(connection) as back:
            assert brand(client.get(url).content.decode()) == "Pendant la panne"
        assert town_reads(back) == 0
    towns.forget_towns()

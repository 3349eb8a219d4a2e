"""Sign-up, the feed and a first post with Redis killed or hanging, through the forms.

In process (Django's test client), the cache and channel layer pointed at a
Redis of this test's own (`fault_redis`): killed, a new household's sign-up
through the form is stored and signs the member in, the feed answers and the
new member's first post through the feed's form is stored once; frozen
(SIGSTOP: connections hang instead of being refused), the same answers come,
each within a bound set by `CACHE_SOCKET_TIMEOUT` and the live send's timeout
(realtime.publish) rather than redis-py's 5 s or the layer's 10 s per call
(issue 11).
"""

import time

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings

from community.models import Member
from feeds.models import Post
from tests.community.test_signup import SIGNUP_URL, form_data
from tests.factories import make_household, make_invitation
from tests.faults.test_redis_down import form_fields
from tests.support.redis_server import redis_settings

pytestmark = pytest.mark.django_db

# Seconds a request may take with Redis frozen: a few cache calls of 1 s each
# (the rate limit's, then its per-process counter takes over) and, for a post,
# the live send's 2 s, far under the 5 s that each cache call cost before.
FROZEN_BOUND = 4.0


@pytest.mark.parametrize("fault", ["killed", "frozen"])
def test_sign_up_and_the_feed_work_with_redis_out_of_reach(
    fault, fault_redis, neighbourhood
):
    invited = make_invitation(make_household(neighbourhood))
    client = Client()
    overrides = redis_settings(fault_redis.url)
    # The timeouts the real settings give the cache (CACHE_SOCKET_TIMEOUT):
    # without them a frozen Redis holds each call for redis-py's default.
    overrides["CACHES"]["default"]["OPTIONS"] = settings.CACHE_OPTIONS
    with override_settings(**overrides):
        if fault == "killed":
            fault_redis.kill()
        else:
            fault_redis.freeze()
        try:
            started = time.monotonic()
            response = client.post(SIGNUP_URL, form_data(code=invited.code))
            signup_seconds = time.monotonic() - started
            started = time.monotonic()
            feed = client.get("/fil/commune/")
            feed_seconds = time.monotonic() - started
            fields = form_fields(feed.content.decode(), "/publications/nouvelle/")
            fields.update(body="Bonjour le quartier, Redis en panne", where="town")
            started = time.monotonic()
            posted = client.post("/publications/nouvelle/", fields)
            post_seconds = time.monotonic() - started
        finally:
            if fault == "frozen":
                fault_redis.thaw()

    assert response.status_code == 302, response.content[:500]
    member = Member.objects.get(user__username="nadia@example.org")
    assert member.household_id == invited.household_id
    assert User.objects.filter(username="nadia@example.org").count() == 1
    assert feed.status_code == 200
    assert signup_seconds < FROZEN_BOUND, signup_seconds
    assert feed_seconds < FROZEN_BOUND, feed_seconds
    assert posted.status_code == 302, posted.content[:500]
    stored = Post.objects.filter(client_key=fields["client_key"])
    assert [post.body for post in stored] == [fields["body"]]
    assert stored[0].author_id == member.pk
    assert post_seconds < FROZEN_BOUND, post_seconds

"""Wagtail page URLs while Redis does not answer (community/site_paths.py)."""

import socket

import pytest
from django.core.cache import caches
from django.test import override_settings
from redis.exceptions import RedisError
from wagtail.models import Page, Site

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_down():
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            }
        }
    )


def test_page_urls_are_read_from_the_database_while_the_cache_is_down():
    root = Site.objects.get(is_default_site=True).root_page
    child = root.add_child(instance=Page(title="Défis", slug="defis"))
    with redis_down():
        with pytest.raises(RedisError):
            caches["default"].get("anything")
        assert Site.get_site_root_paths()
        # A page object of its own: nothing cached on it yet.
        assert Page.objects.get(pk=child.pk).url == "/defis/"


def test_site_changes_still_fail_loudly_while_the_cache_is_down():
    # A stale list of sites must not outlive an outage unnoticed.
    with redis_down(), pytest.raises(RedisError):
        Site.clear_site_root_paths_cache()

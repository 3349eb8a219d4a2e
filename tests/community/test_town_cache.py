"""The towns kept per process (community/towns.py): a page after the first
reads no town query, and nothing is stale after a change to a town, a site or
a site's root page, in this process or in another (the shared generation),
through the real pages."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, Site

from community import towns
from community.models import TownPage
from tests.factories import make_town

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def test_hosts(settings) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]


def brand(client, url: str = "/compte/connexion/", host: str = "testserver") -> str:
    html = client.get(url, HTTP_HOST=host).content.decode()
    start = html.index('<a class="brand" href="/">') + len('<a class="brand" href="/">')
    return html[start : html.index("<span", start)]


def town_queries(queries) -> list[str]:
    table = Site._meta.db_table
    return [
        q["sql"] for q in queries.captured_queries if f'FROM "{table}" s' in q["sql"]
    ]


def test_the_town_is_read_once_then_kept(client, member, neighbourhood):
    client.force_login(member.user)
    url = reverse("feeds:neighbourhood", args=[neighbourhood.slug])
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert len(town_queries(first)) == 1
    assert town_queries(second) == []
    assert len(second) == len(first) - 1


def test_a_change_in_this_process_shows_on_the_next_page(client, town):
    assert brand(client) == "Val-Test"
    town.title = "Val-Neuf"
    town.save_revision().publish()
    assert brand(client) == "Val-Neuf"
    # Another town on the default site.
    other = make_town("Ailleurs", hostname="ailleurs.test")
    assert brand(client, host="ailleurs.test") == "Ailleurs"
    site = Site.objects.get(is_default_site=True)
    site.root_page = other
    site.save()
    assert brand(client) == "Ailleurs"
    # A new site for a host the default site answered.
    assert brand(client, host="trois.test") == "Ailleurs"
    make_town("Troisième", hostname="trois.test")
    assert brand(client, host="trois.test") == "Troisième"
    Site.objects.filter(hostname="trois.test").delete()
    assert brand(client, host="trois.test") == "Ailleurs"


def test_an_unpublished_or_moved_town_is_read_again(client, town):
    client.get("/compte/connexion/")
    assert towns._ROWS
    town.unpublish()
    assert not towns._ROWS
    client.get("/compte/connexion/")
    assert towns._ROWS
    holder = Page.get_first_root_node().add_child(
        instance=Page(title="Classeur", slug="classeur")
    )
    town.refresh_from_db()
    town.move(holder, pos="last-child")
    assert not towns._ROWS
    request = client.get("/compte/connexion/").wsgi_request
    moved = TownPage.objects.get(pk=town.pk)
    assert request._wagtail_site.root_page.url_path == moved.url_path


def test_another_processs_change_shows_through_the_shared_generation(client, town):
    assert brand(client) == "Val-Test"
    # What another process does: the row changed, the generation replaced (no
    # signal in this process).
    TownPage.objects.filter(pk=town.pk).update(title="Par ailleurs")
    assert brand(client) == "Val-Test"
    cache.set(towns.GENERATION_KEY, "another-process")
    assert brand(client) == "Par ailleurs"
    # The cache emptied (Redis restarted): a new generation, read again.
    TownPage.objects.filter(pk=town.pk).update(title="Redémarré")
    cache.clear()
    assert brand(client) == "Redémarré"


def test_a_change_no_signal_sees_shows_after_the_kept_seconds(
    client, town, monkeypatch
):
    assert brand(client) == "Val-Test"
    TownPage.objects.filter(pk=town.pk).update(title="En masse")
    assert brand(client) == "Val-Test"
    monkeypatch.setattr(towns, "KEPT_SECONDS", 0.0)
    assert brand(client) == "En masse"

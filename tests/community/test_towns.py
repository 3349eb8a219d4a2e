"""The town of a request: Wagtail's choice of site, with its TownPage joined in
the same query; a change shows at once (the towns kept per process:
tests/community/test_town_cache.py)."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from community.models import TownPage
from community.towns import town_for_request
from tests.factories import make_town

pytestmark = pytest.mark.django_db


def request_for(host: str):
    # Wagtail reads the port from the server's side of the request, as Django does.
    port = host.partition(":")[2] or "80"
    return RequestFactory().get("/", HTTP_HOST=host, SERVER_PORT=port)


def wagtail_choice(host: str) -> Site | None:
    return Site._find_for_request(request_for(host))


def vitrine_site() -> Page:
    """A site vitrine.test whose root is a plain page, not a town."""
    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title="Vitrine", slug="vitrine"))
    Site.objects.create(hostname="vitrine.test", port=80, root_page=page)
    return page


HOSTS = ["testserver", "a.test", "a.test:8000", "b.test", "inconnu.test"]


def test_the_site_is_wagtails_and_the_town_its_root_in_one_query():
    default_town = make_town("Val-Test")
    a_town = make_town("Aville", hostname="a.test")
    Site.objects.create(hostname="a.test", port=8000, root_page=default_town)
    make_town("Bville", hostname="b.test")
    for host in HOSTS:
        request = request_for(host)
        with CaptureQueriesContext(connection) as queries:
            town = town_for_request(request)
            assert town_for_request(request) is town
        assert len(queries) == 1, host
        expected = wagtail_choice(host)
        assert request._wagtail_site == expected
        assert Site.find_for_request(request) == expected
        assert town == TownPage.objects.get(pk=expected.root_page_id)
        # Every field of the page, the inherited ones included.
        assert town.title == expected.root_page.title
        assert town.url_path == expected.root_page.url_path
    assert town_for_request(request_for("a.test")) == a_town


def test_several_sites_of_one_host_and_no_default_is_no_town():
    Site.objects.all().delete()
    make_town("Aville", hostname="a.test")
    Site.objects.create(
        hostname="a.test", port=81, root_page=make_town("Autre", hostname="x.test")
    )
    assert wagtail_choice("a.test:8000") is None
    assert town_for_request(request_for("a.test:8000")) is None


def test_a_site_whose_root_is_not_a_town_has_no_town():
    page = vitrine_site()
    request = request_for("vitrine.test")
    assert town_for_request(request) is None
    assert request._wagtail_site.root_page_id == page.pk


def test_a_renamed_or_moved_town_shows_on_the_next_request():
    town = make_town("Val-Test")
    assert town_for_request(request_for("testserver")).title == "Val-Test"
    town.title = "Val-Neuf"
    town.save_revision().publish()
    assert town_for_request(request_for("testserver")).title == "Val-Neuf"
    other = make_town("Ailleurs", hostname="ailleurs.test")
    site = Site.objects.get(is_default_site=True)
    site.root_page = other
    site.save()
    assert town_for_request(request_for("testserver")) == other


def test_a_page_wagtail_served_keeps_wagtails_site(client):
    make_town("Val-Test")
    request = request_for("testserver")
    site = Site.find_for_request(request)
    with CaptureQueriesContext(connection) as queries:
        town = town_for_request(request)
    assert len(queries) == 1
    assert town.pk == site.root_page_id and request._wagtail_site is site


def test_the_objects_are_those_the_orm_reads_every_field_and_no_query_more():
    make_town("Val-Test")
    request = request_for("testserver")
    town = town_for_request(request)
    site = request._wagtail_site
    with CaptureQueriesContext(connection) as queries:
        page = site.root_page
        assert page.townpage is town
        assert town.page_ptr is page
    assert len(queries) == 0
    assert type(page) is Page
    for obj, model in [(site, Site), (page, Page), (town, TownPage)]:
        fresh = model.objects.get(pk=obj.pk)
        for field in model._meta.concrete_fields:
            assert getattr(obj, field.attname) == getattr(fresh, field.attname), (
                model,
                field.name,
            )
        assert obj._state.adding is False and obj._state.db == fresh._state.db


def test_a_bare_sites_root_page_is_loaded_with_it():
    vitrine_site()
    request = request_for("vitrine.test")
    assert town_for_request(request) is None
    with CaptureQueriesContext(connection) as queries:
        assert request._wagtail_site.root_page.title == "Vitrine"
    assert len(queries) == 0

import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from community import roles
from tests.factories import NeighbourhoodFactory, make_member, make_staff


def test_the_home_page_shows_the_town_and_its_neighbourhoods(
    client, town, django_assert_max_num_queries
):
    for _ in range(8):
        neighbourhood = NeighbourhoodFactory(town=town)
        make_member(town, neighbourhood=neighbourhood)
    with django_assert_max_num_queries(8):
        response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{town.title}</h1>" in body
    assert body.count('<th scope="row">') == 8


def test_pages_have_landmarks_and_a_skip_link(client, town):
    body = client.get(reverse("signup")).content.decode()
    assert 'href="#contenu"' in body and 'id="contenu"' in body
    assert "<main" in body and "<nav" in body and "<footer" in body
    assert '<label for="id_email">' in body


def test_a_moderator_opens_the_admin_and_its_community_lists(
    client, town, neighbourhood
):
    make_member(town, neighbourhood=neighbourhood)
    client.force_login(make_staff(town, roles.MODERATOR))
    assert client.get("/admin/").status_code == 200
    for model in ("neighbourhood", "household", "member", "invitation"):
        response = client.get(f"/admin/snippets/community/{model}/")
        assert response.status_code == 200, model


def test_a_resident_and_an_ambassador_have_no_admin(client, town, member):
    client.force_login(member.user)
    assert client.get("/admin/").status_code == 302
    client.force_login(make_staff(town, roles.AMBASSADOR))
    assert client.get("/admin/").status_code == 302


def test_an_unknown_page_is_a_french_404(client, town):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_the_site_has_an_icon_and_favicon_ico_answers_it(client, town):
    body = client.get("/").content.decode()
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', body)
    assert link is not None
    name = link.group(1).removeprefix(settings.STATIC_URL)
    assert finders.find(name) is not None
    # The strict policy allows pictures from the site itself, icons included.
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self'" in policy

    # Browsers ask for /favicon.ico on their own: the same icon, not a 404.
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert "max-age" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200

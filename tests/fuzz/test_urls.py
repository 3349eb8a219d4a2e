"""Every URL pattern of the site, each converter filled by Hypothesis, as a
visitor, a resident, an ambassador and a moderator: never a server error.

The routes come from the URL conf and the page tree (`routes.py`); each one gets
`EXAMPLES_PER_ROUTE` generated paths and query strings for each role that may
use it, so no route is left to chance.
"""

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import fuzz_settings, known_values
from tests.fuzz.routes import Route, page_routes, paths, query_strings, site_routes
from tests.security.conftest import World

pytestmark = pytest.mark.django_db

EXAMPLES_PER_ROUTE = 3


def roles_for(route: Route) -> list[str]:
    if route.is_admin:
        return ["moderator"]
    if route.label.startswith(("ambassadeurs/tournee", "moderation/")):
        return ["anonymous", "resident", "ambassador", "moderator"]
    return ["anonymous", "resident"]


def fuzz_routes(world: World) -> list[Route]:
    routes = [
        r
        for r in site_routes()
        # Wagtail's own admin views are not ours to fuzz (docs/security.md).
        if not r.is_admin or r.is_ours
    ]
    return routes + page_routes(world.town)


def clients(world: World) -> dict[str, Client]:
    made = {}
    for role in ("anonymous", "resident", "ambassador", "moderator"):
        client = Client()
        if world.user(role) is not None:
            client.force_login(world.user(role))
        made[role] = client
    return made


def test_the_route_list_is_generated_from_the_url_conf(world: World):
    labels = {route.label for route in fuzz_routes(world)}
    assert "foyers/<str:public_id>/" in labels
    assert "mes-donnees/archive/<uuid:export_id>/" in labels
    assert any("j-ai-agi/" in label for label in labels)
    assert any(label.startswith("admin/") for label in labels)
    assert len(labels) > 80


def test_no_url_answers_a_server_error(world: World):
    known = known_values(world)
    by_role = clients(world)
    checked = []

    def check(route: Route, role: str) -> None:
        @fuzz_settings(EXAMPLES_PER_ROUTE)
        @given(path=paths(route, known), query=st.none() | query_strings())
        def one(path: str, query: str | None) -> None:
            client = by_role[role]
            user = world.user(role)
            if user is not None and "_auth_user_id" not in client.session:
                client.force_login(user)
            url = path + (f"?{query}" if query else "")
            response = client.get(url)
            assert response.status_code < 500, (role, url, response.status_code)
            checked.append((url, response.status_code))

        one()

    for route in fuzz_routes(world):
        for role in roles_for(route):
            check(route, role)
    # The number of generated requests, for the report.
    print(f"\nfuzz: {len(checked)} generated URL requests")  # noqa: T201
    assert len(checked) >= 500

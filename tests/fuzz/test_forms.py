"""Every form of the site, found on the pages that render it, posted with
Hypothesis-generated values as a visitor, a resident, an ambassador and a
moderator: a clear answer (the form again with its errors, a redirect, a 4xx
page), never a server error.

The forms come from GETs of every route (`forms.discover_forms`); each one gets
its share of `TOTAL_SUBMISSIONS`, so no form is left to chance. Each submission
runs in a savepoint rolled back afterwards: a deleted account, a hidden post or
a log-out does not change what the next submission meets.
"""

import math

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import given

from moderation import actions as moderation_actions
from moderation import items
from tests.fuzz.conftest import fuzz_settings, known_values
from tests.fuzz.forms import Form, describe, discover_forms, encode_body, submissions
from tests.fuzz.routes import OUR_APPS, Route, page_routes, site_routes
from tests.security.conftest import World

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "resident", "ambassador", "moderator")
# Across all forms, under CI too (issue 11: ≥ 1,000 generated cases).
TOTAL_SUBMISSIONS = 1_100
MIN_PER_FORM = 12


def moderation_cases(world: World) -> dict[str, list[str]]:
    """A reported post, and two warnings of the resident, one appealed: the
    queue's, the decision's and the appeal's forms are then rendered."""
    report = moderation_actions.check_report(
        world.other, "post", world.post.pk, reason="spam"
    )
    item = items.load("post", world.post.pk)
    warned = moderation_actions.do_warn(world.moderator, item, "Restez courtois.")
    appealed = moderation_actions.do_warn(world.moderator, item, "Second rappel.")
    appeal = moderation_actions.check_appeal(world.resident, appealed, "Je conteste.")
    ids = {
        "group_id": [report.group_id],
        "decision_id": [warned.pk, appealed.pk],
        "appeal_id": [appeal.pk],
        "pk": [report.group_id, appeal.pk, warned.pk],
    }
    return {name: [str(v) for v in values] for name, values in ids.items()}


def known(world: World) -> dict[str, list[str]]:
    return {**known_values(world), **moderation_cases(world)}


def is_our_admin(route: Route) -> bool:
    """Our admin views, and Wagtail's pages of one object of our models (the
    moderation queue's snippets render our decision forms). Wagtail's lists and
    its own forms are not ours to fuzz (docs/security.md)."""
    of_our_model = any(f"/{app}/" in route.label for app in OUR_APPS)
    return route.is_ours or (of_our_model and bool(route.names))


def routes_by_role(world: World) -> dict[str, list[Route]]:
    routes = site_routes() + page_routes(world.town)
    made: dict[str, list[Route]] = {}
    for role in ROLES:
        made[role] = [
            route
            for route in routes
            if not route.is_admin or (role == "moderator" and is_our_admin(route))
        ]
    return made


def logged_in(world: World) -> dict[str, Client]:
    made = {}
    for role in ROLES:
        client = Client()
        if world.user(role) is not None:
            client.force_login(world.user(role))
        made[role] = client
    return made


def found_forms(world: World, clients: dict[str, Client]) -> list[Form]:
    return discover_forms(routes_by_role(world), clients, known(world))


def test_the_forms_are_found_on_the_pages(world: World):
    forms = found_forms(world, logged_in(world))
    views = {(form.role, form.view) for form in forms}
    assert ("anonymous", "compte/connexion/") in views
    assert ("anonymous", "compte/inscription/") in views
    assert ("resident", "publications/nouvelle/") in views
    assert any(view.startswith("ambassadeurs/") for role, view in views)
    assert any(role == "moderator" and "moderation" in view for role, view in views)
    assert len(forms) >= 20


def test_no_form_submission_answers_a_server_error(world: World):
    clients = logged_in(world)
    forms = found_forms(world, clients)
    per_form = max(MIN_PER_FORM, math.ceil(TOTAL_SUBMISSIONS / len(forms)))
    checked: list[tuple[str, int]] = []

    def check(form: Form) -> None:
        client = clients[form.role]
        user = world.user(form.role)

        @fuzz_settings(per_form)
        @given(pairs=submissions(form))
        def one(pairs: list[tuple[str, object]]) -> None:
            if user is not None and "_auth_user_id" not in client.session:
                client.force_login(user)
            body, content_type = encode_body(pairs, form.multipart)
            where = f"{form.role} POST {form.action} (form of {form.route})"
            with transaction.atomic():
                try:
                    response = client.generic(
                        "POST", form.action, body, content_type=content_type
                    )
                except Exception as error:
                    raise AssertionError(
                        f"{where} raised {type(error).__name__}: {error}\n"
                        f"fields: {describe(pairs)}"
                    ) from error
                transaction.set_rollback(True)
            assert response.status_code < 500, (
                f"{where} answered {response.status_code}\nfields: {describe(pairs)}"
            )
            checked.append((form.action, response.status_code))

        one()

    # Every form is tried, and every failing one named, before the test fails.
    failures = []
    for form in forms:
        try:
            check(form)
        except AssertionError as error:
            failures.append(str(error))
    print(  # noqa: T201  (the number of cases, for the report)
        f"\nfuzz: {len(checked)} generated form submissions over {len(forms)} forms"
    )
    assert not failures, "\n\n".join(failures)
    assert len(checked) >= 1_000

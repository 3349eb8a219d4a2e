"""Who may open each onboarding page: ambassador, other ambassador, resident,
moderator, anonymous."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors import actions, queries
from ambassadors.models import Visit, VisitOutcome
from community.privacy import current_consent_text
from tests.ambassadors.conftest import logged_in

ROLES = ["ambassador", "other_ambassador", "resident", "moderator", "anonymous"]


@pytest.fixture
def world(
    request, town, ambassador, other_ambassador, resident, moderator, neighbourhood
):
    scope = queries.access_ambassador_scope(ambassador, town)
    logged = actions.check_log_visit(
        scope,
        neighbourhood=neighbourhood,
        street="Rue des Lilas",
        house_number="3",
        outcome=VisitOutcome.INTERESTED,
        call_back_on=timezone.localdate() + timedelta(days=2),
    )
    onboarding, _ = actions.check_pre_register(
        scope,
        neighbourhood=neighbourhood,
        domains=["energy"],
        consent_text_id=current_consent_text().pk,
    )
    return {
        "users": {
            "ambassador": ambassador,
            "other_ambassador": other_ambassador,
            "resident": resident,
            "moderator": moderator,
            "anonymous": None,
        },
        "visit": logged.visit,
        "public_id": onboarding.household.public_id,
    }


# (name, url builder, expected status for each role in ROLES order)
LISTS = [
    ("home", lambda w: reverse("ambassadors:home")),
    ("visits", lambda w: reverse("ambassadors:visits")),
    ("visit_new", lambda w: reverse("ambassadors:visit_new")),
    ("call_backs", lambda w: reverse("ambassadors:call_backs")),
    ("households", lambda w: reverse("ambassadors:households")),
    ("pre_register", lambda w: reverse("ambassadors:pre_register")),
    ("dashboard", lambda w: reverse("ambassadors:dashboard")),
    ("dashboard_csv", lambda w: reverse("ambassadors:dashboard_csv")),
]
OBJECTS = [
    ("visit", lambda w: reverse("ambassadors:visit", args=[w["visit"].pk])),
    (
        "pre_register_from_visit",
        lambda w: reverse("ambassadors:pre_register") + f"?visite={w['visit'].pk}",
    ),
    ("household", lambda w: reverse("ambassadors:household", args=[w["public_id"]])),
    ("card", lambda w: reverse("ambassadors:card", args=[w["public_id"]])),
]
EXPECTED_LIST = {
    "ambassador": 200,
    "other_ambassador": 200,
    "resident": 403,
    "moderator": 403,
    "anonymous": 302,
}
EXPECTED_OBJECT = {**EXPECTED_LIST, "other_ambassador": 404}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "url"), LISTS + OBJECTS, ids=[n for n, _ in LISTS + OBJECTS]
)
def test_get_matrix(world, role, name, url):
    client = logged_in(world["users"][role])
    target = url(world)
    response = client.get(target)
    expected = (EXPECTED_LIST if (name, url) in LISTS else EXPECTED_OBJECT)[role]
    assert response.status_code == expected, (name, role)
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))
    if role == "other_ambassador" and expected == 200 and name != "dashboard_csv":
        # The other ambassador's lists never show this ambassador's work.
        html = response.content.decode()
        assert "Rue des Lilas" not in html
        assert world["public_id"] not in html


POSTS = [
    (
        "visit_new",
        lambda w: reverse("ambassadors:visit_new"),
        lambda w: {
            "neighbourhood": w["visit"].neighbourhood_id,
            "street": "Rue Neuve",
            "house_number": "8",
            "outcome": VisitOutcome.ABSENT,
        },
    ),
    (
        "card",
        lambda w: reverse("ambassadors:card", args=[w["public_id"]]),
        lambda w: {},
    ),
    (
        "household",
        lambda w: reverse("ambassadors:household", args=[w["public_id"]]),
        lambda w: {"action_type": "", "occurred_on": "", "idempotency_key": "k"},
    ),
]


@pytest.mark.parametrize(
    "role", ["other_ambassador", "resident", "moderator", "anonymous"]
)
@pytest.mark.parametrize(("name", "url", "data"), POSTS, ids=[p[0] for p in POSTS])
def test_refused_posts_write_nothing(world, role, name, url, data):
    from ambassadors.models import AuditEntry
    from community.models import Invitation

    before = (
        Visit.objects.count(),
        Invitation.objects.count(),
        AuditEntry.objects.count(),
    )
    response = logged_in(world["users"][role]).post(url(world), data(world))
    if role == "other_ambassador" and name == "visit_new":
        # Their own form, but outside their neighbourhoods: a clear refusal.
        assert response.status_code == 200
        assert "n&#x27;est pas l&#x27;un des vôtres" in response.content.decode()
    else:
        assert response.status_code in (302, 403, 404)
        if role == "anonymous":
            assert response.url.startswith(reverse("login"))
    after = (
        Visit.objects.count(),
        Invitation.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


RESIDENT_EXPECTED = {
    "ambassador": 404,
    "other_ambassador": 404,
    "resident": 200,
    "moderator": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_resident_page_matrix(world, role):
    response = logged_in(world["users"][role]).get(reverse("ambassadors:resident"))
    assert response.status_code == RESIDENT_EXPECTED[role]


def test_nav_link_only_for_ambassadors(world):
    tour = reverse("ambassadors:home")
    for role in ROLES:
        html = logged_in(world["users"][role]).get(reverse("profile")).content.decode()
        shown = f'href="{tour}"' in html
        assert shown == (role == "ambassador" or role == "other_ambassador"), role

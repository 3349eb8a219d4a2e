"""Every list runs a bounded number of queries, whatever its length."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors import actions, queries
from ambassadors.models import VisitOutcome
from community.privacy import current_consent_text
from tests.ambassadors.conftest import logged_in
from tests.factories import make_member


@pytest.fixture
def busy(town, ambassador, neighbourhood, action_type):
    scope = queries.access_ambassador_scope(ambassador, town)
    today = timezone.localdate()
    text = current_consent_text().pk
    for n in range(30):
        actions.check_log_visit(
            scope,
            neighbourhood=neighbourhood,
            street=f"Rue {n}",
            house_number=str(n),
            outcome=VisitOutcome.INTERESTED,
            call_back_on=today + timedelta(days=n % 3),
        )
        onboarding, _ = actions.check_pre_register(
            scope, neighbourhood=neighbourhood, domains=["water"], consent_text_id=text
        )
        if n % 2:
            make_member(town, household=onboarding.household)
        actions.check_log_assisted_action(
            scope,
            onboarding,
            action_type=action_type,
            occurred_on=today,
            idempotency_key=f"cle-{n}",
        )
    return onboarding


@pytest.mark.parametrize(
    "name",
    ["home", "visits", "call_backs", "households", "dashboard", "dashboard_csv"],
)
def test_ambassador_lists(busy, ambassador, name, django_assert_max_num_queries):
    client = logged_in(ambassador)
    with django_assert_max_num_queries(16):
        response = client.get(reverse(f"ambassadors:{name}"))
    assert response.status_code == 200


def test_household_detail(busy, ambassador, django_assert_max_num_queries):
    client = logged_in(ambassador)
    url = reverse("ambassadors:household", args=[busy.household.public_id])
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_admin_report(busy, moderator, django_assert_max_num_queries):
    client = logged_in(moderator)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("ambassadors_coverage")).status_code == 200


def test_resident_page(busy, town, django_assert_max_num_queries):
    member = make_member(town, household=busy.household)
    client = logged_in(member.user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("ambassadors:resident")).status_code == 200

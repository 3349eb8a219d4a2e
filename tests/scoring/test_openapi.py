"""docs/openapi/scoring-v1.yaml checked against the live API with schemathesis.

Generated requests (hypothesis) for every operation must get a documented
status and a body matching the documented schema, never a 5xx; then real
success answers of every operation are validated against the same schemas.
"""

from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.urls import URLPattern, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from scoring.engine.leaderboards import (
    LeaderboardSpec,
    register_leaderboard_source,
    unregister_leaderboard_source,
)

from .conftest import TOKEN

SPEC = Path(django_settings.BASE_DIR) / "docs" / "openapi" / "scoring-v1.yaml"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def schema():
    return schemathesis.openapi.from_path(str(SPEC))


def operations(schema) -> dict[str, object]:
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[f"{operation.method.upper()} {operation.path}"] = operation
    return found


def test_the_spec_names_every_route_of_the_api(schema):
    documented = {key.split(" ", 1)[1] for key in operations(schema)}
    resolver = get_resolver("scoring.urls")
    routes = set()
    for pattern in resolver.url_patterns:
        assert isinstance(pattern, URLPattern)
        route = str(pattern.pattern)
        if route.startswith("^"):
            continue  # the JSON 404 catch-all
        routes.add(
            "/" + route.replace("<str:", "{").replace("<int:", "{").replace(">", "}")
        )
    assert routes == documented


def fuzz(operation, base_url: str, **pinned) -> None:
    """Send generated requests to one operation; every answer must be documented."""

    @given(case=operation.as_strategy(**pinned))
    @hypothesis_settings(
        max_examples=25,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        # A body valid by the schema may still break a business rule (an action
        # not in the catalogue, a date 8 days old): that is a documented 400.
        response = case.call_and_validate(
            base_url=base_url, headers=AUTH, excluded_checks=[positive_data_acceptance]
        )
        assert response.status_code < 500, f"{operation.method} {operation.path}"

    check()


@pytest.mark.django_db(transaction=True)
def test_generated_requests_get_documented_answers(
    schema, live_server, api_token, household, catalogue
):
    base_url = f"{live_server.url}/api/scoring/v1"
    checked = 0
    for operation in operations(schema).values():
        pinned = {}
        if "{household_id}" in operation.path:
            # A real household, so that the success answers are fuzzed too.
            pinned["path_parameters"] = {"household_id": household.public_id}
        fuzz(operation, base_url, **pinned)
        checked += 1
    assert checked == 13


@pytest.mark.django_db(transaction=True)
def test_real_answers_match_the_documented_schemas(
    schema, live_server, api_token, make_household, neighbourhood, catalogue
):
    base_url = f"{live_server.url}/api/scoring/v1"
    household = make_household()
    ops = operations(schema)
    when = (timezone.now() - timedelta(hours=1)).isoformat()
    cases = [
        ops["POST /actions"].Case(
            body={
                "household_id": household.public_id,
                "action": "isolation",
                "domain": "energy",
                "occurred_at": when,
                "idempotency_key": "a1",
            }
        ),
        ops["POST /confirmations"].Case(
            body={
                "household_id": household.public_id,
                "action_key": "a1",
                "proof": "photo",
                "idempotency_key": "c1",
            }
        ),
        ops["POST /redemptions"].Case(
            body={
                "household_id": household.public_id,
                "reward_id": "cafe",
                "points": 100,
                "idempotency_key": "r1",
            }
        ),
        ops["POST /redemptions"].Case(
            body={
                "household_id": household.public_id,
                "reward_id": "cafe",
                "points": 100,
                "idempotency_key": "r2",
            }
        ),
        ops["POST /households/{household_id}/readings"].Case(
            path_parameters={"household_id": household.public_id},
            body={
                "household_id": household.public_id,
                "source": "enedis_load_curve",
                "idempotency_key": "m1",
                "daily": [
                    {"date": "2026-03-29", "metric": "electricity_kwh", "value": "1.5"}
                ],
                "hourly": [
                    {"starts_at": "2026-03-29T01:00:00+00:00", "value": "0.512"}
                ],
            },
        ),
        ops["GET /households/{household_id}/readings"].Case(
            path_parameters={"household_id": household.public_id},
            query={"from": "2026-03-01", "to": "2026-03-31"},
        ),
        ops["GET /households/{household_id}/points"].Case(
            path_parameters={"household_id": household.public_id}
        ),
        ops["GET /households/{household_id}/sensors"].Case(
            path_parameters={"household_id": household.public_id},
            query={"period": "month"},
        ),
        ops["GET /neighbourhoods/{neighbourhood_id}/summary"].Case(
            path_parameters={"neighbourhood_id": neighbourhood.pk},
            query={"period": "year", "date": "2026-01-15"},
        ),
        ops["GET /leaderboards/{challenge_id}"].Case(
            path_parameters={"challenge_id": 5}
        ),
    ]

    def source(challenge_id: int):
        return LeaderboardSpec(teams={household.public_id: [household.pk]})

    register_leaderboard_source(source)
    try:
        statuses = [
            case.call_and_validate(base_url=base_url, headers=AUTH).status_code
            for case in cases
        ]
    finally:
        unregister_leaderboard_source(source)
    # 135 points: the second redemption of 100 is refused.
    assert statuses == [201, 201, 201, 409, 201, 200, 200, 200, 200, 200]

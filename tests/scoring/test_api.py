"""The HTTP API under /api/scoring/v1/: auth, bodies, errors, statuses."""

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from scoring.models import LedgerEntry

from .conftest import TOKEN

pytestmark = pytest.mark.django_db
API = "/api/scoring/v1/"
WHEN = (timezone.now() - timedelta(hours=1)).isoformat()


def auth(token: str = TOKEN) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, path: str, body, **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(API + path, data, content_type="application/json", **headers)


def action_body(household, **changes) -> dict:
    body = {
        "household_id": household.public_id,
        "action": "velo-travail",
        "domain": "transport",
        "occurred_at": WHEN,
        "idempotency_key": "a1",
    }
    body.update(changes)
    return body


def test_without_a_configured_token_the_api_refuses_everything(client, household):
    with override_settings(SCORING_CORE_TOKEN=""):
        for response in (
            client.get(API + f"households/{household.public_id}/points"),
            client.get(API + f"households/{household.public_id}/points", **auth("")),
            post(client, "actions", action_body(household), **auth("anything")),
        ):
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "api_disabled"
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong"},
        {"HTTP_AUTHORIZATION": f"Basic {TOKEN}"},
        {"HTTP_AUTHORIZATION": TOKEN},
    ],
)
def test_a_missing_or_wrong_token_is_401(client, api_token, household, headers):
    response = client.get(API + f"households/{household.public_id}/points", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {
        "error": {
            "code": "unauthorized",
            "message": "Jeton d'accès absent ou invalide.",
        }
    }


def test_points_answer_the_contract_with_pseudonymous_ids_only(
    client, api_token, household, catalogue
):
    created = post(client, "actions", action_body(household), **auth())
    assert created.status_code == 201
    assert created.json() == {
        "household_id": household.public_id,
        "idempotency_key": "a1",
        "points_awarded": 40,
        "total": 40,
        "replayed": False,
        "action": "velo-travail",
        "proof": "declared",
        "quantity": 1,
    }
    replayed = post(client, "actions", action_body(household), **auth())
    assert replayed.status_code == 200
    assert replayed.json()["replayed"] is True
    points = client.get(API + f"households/{household.public_id}/points", **auth())
    assert points.status_code == 200
    body = points.json()
    assert set(body) == {
        "household_id",
        "total",
        "earned",
        "redeemed",
        "by_domain",
        "updated_at",
    }
    assert body["total"] == 40
    assert body["household_id"] == household.public_id
    assert "id" not in body and "pk" not in body


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ("{pas du json", "invalid_json", None),
        ("[1, 2]", "invalid_body", None),
        ({}, "invalid_body", "household_id"),
        ({"occurred_at": "hier"}, "invalid_body", "occurred_at"),
        ({"occurred_at": "2026-01-01T10:00:00"}, "invalid_body", "occurred_at"),
        ({"idempotency_key": ""}, "invalid_body", "idempotency_key"),
        ({"idempotency_key": "x" * 101}, "invalid_body", "idempotency_key"),
        ({"idempotency_key": "k\n"}, "invalid_body", "idempotency_key"),
        ({"household_id": "AB\u0000CD"}, "invalid_body", "household_id"),
        ({"action": "velo\u0000"}, "invalid_body", "action"),
        ({"action": "inconnue"}, "unknown_action", "action"),
        ({"domain": "water"}, "domain_mismatch", "domain"),
    ],
)
def test_bad_bodies_are_400_with_a_code_and_write_nothing(
    client, api_token, household, catalogue, body, code, field
):
    if isinstance(body, dict):
        body = action_body(household, **body) if body else {}
    response = post(client, "actions", body, **auth())
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    if field:
        assert field in error["fields"]
    assert not LedgerEntry.objects.exists()


def test_unknown_ids_are_404(client, api_token, neighbourhood):
    for path, code in [
        ("households/NOPE234567/points", "unknown_household"),
        ("households/AB%00CD/points", "unknown_household"),
        ("households/NOPE234567/sensors?period=week", "unknown_household"),
        (
            f"neighbourhoods/{neighbourhood.pk + 1000}/summary?period=week",
            "unknown_neighbourhood",
        ),
        (
            "neighbourhoods/99999999999999999999999/summary?period=week",
            "unknown_neighbourhood",
        ),
        ("leaderboards/123456", "unknown_challenge"),
        ("nulle/part", "unknown_path"),
    ]:
        response = client.get(API + path, **auth())
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == code


def test_a_short_balance_is_409_and_writes_nothing(client, api_token, household):
    response = post(
        client,
        "redemptions",
        {
            "household_id": household.public_id,
            "reward_id": "boulangerie",
            "points": 10,
            "idempotency_key": "r1",
        },
        **auth(),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_points"
    assert not LedgerEntry.objects.exists()


def test_a_wrong_method_is_405_in_json(client, api_token):
    response = client.get(API + "actions", **auth())
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_summaries_check_their_query(client, api_token, household, neighbourhood):
    ok = client.get(
        API + f"neighbourhoods/{neighbourhood.pk}/summary?period=year&date=2026-02-01",
        **auth(),
    )
    assert ok.status_code == 200
    assert ok.json()["metrics"]["water_l"] is None
    bad = client.get(
        API + f"households/{household.public_id}/sensors?period=decade", **auth()
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_query"

"""`POST actions` with a `quantity`: one entry and one key for N units of an
action, embedded and over HTTP; catalogue actions of fixed points."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import client as scoring
from scoring.actions import ensure_action_type
from scoring.engine import contract
from scoring.models import ActionType, LedgerEntry

from .test_api import action_body, auth, post
from .test_client_http import WHEN, log

pytestmark = pytest.mark.django_db


def test_a_quantity_awards_its_units_in_one_entry_and_one_key(household, catalogue):
    first = log(household, "q1", quantity=3)
    assert first["points_awarded"] == 120  # velo-travail: 40 × 3
    assert first["quantity"] == 3
    assert first["total"] == 120 and first["replayed"] is False
    again = log(household, "q1", quantity=3)
    assert again["replayed"] is True and again["points_awarded"] == 120
    assert again["total"] == 120
    # The same key with another quantity is another request: refused, as any
    # reused key with another body.
    with pytest.raises(scoring.Conflict) as reused:
        log(household, "q1", quantity=4)
    assert reused.value.code == "idempotency_key_reused"
    with pytest.raises(scoring.Conflict):
        log(household, "q1")
    entry = LedgerEntry.objects.get(household=household)
    assert (entry.points, entry.quantity, entry.idempotency_key) == (120, 3, "q1")
    assert scoring.get_points(household)["total"] == 120


def test_without_a_quantity_one_unit_and_keys_replay_as_before(household, catalogue):
    assert log(household, "one")["points_awarded"] == 40
    # quantity 1 sent explicitly is the same request as no quantity.
    body = action_body(
        household, occurred_at=WHEN.isoformat(), idempotency_key="one", quantity=1
    )
    replay = contract.log_action(body)
    assert replay["replayed"] is True and replay["quantity"] == 1
    assert LedgerEntry.objects.get(household=household).quantity == 1


def test_raising_the_proof_counts_every_unit(household, catalogue):
    log(household, "q2", quantity=3)
    raised = scoring.confirm_action(
        household, action_key="q2", proof="photo", idempotency_key="q2-photo"
    )
    # photo: 60 a unit, 180 for three; 120 already awarded.
    assert raised["points_awarded"] == 60
    assert scoring.get_points(household)["total"] == 180


@pytest.mark.parametrize("quantity", [0, -1, 10_001, "2", True, 1.5, None])
def test_a_bad_quantity_is_a_400_and_writes_nothing(
    client, api_token, household, catalogue, quantity
):
    answer = post(
        client, "actions", action_body(household, quantity=quantity), **auth()
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid_body"
    assert error["fields"] == {"quantity": "Nombre entier attendu, de 1 à 10000."}
    assert not LedgerEntry.objects.exists()


def test_the_api_awards_and_replays_a_quantity(client, api_token, household, catalogue):
    body = action_body(
        household, action="douche-courte", domain="water", quantity=10_000
    )
    created = post(client, "actions", body, **auth())
    assert created.status_code == 201
    assert created.json()["points_awarded"] == 100_000
    assert created.json()["quantity"] == 10_000
    replay = post(client, "actions", body, **auth())
    assert replay.status_code == 200 and replay.json()["replayed"] is True
    reused = post(client, "actions", {**body, "quantity": 9_999}, **auth())
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert LedgerEntry.objects.filter(household=household).count() == 1


def test_a_fixed_points_action_is_worth_its_points_a_unit(household):
    action = ensure_action_type(
        "defi-test", label="Défi test", domain="energy", fixed_points=1
    )
    assert (action.active, action.fixed_points, action.points()) == (True, 1, 1)
    answer = scoring.log_action(
        household,
        action="defi-test",
        domain="energy",
        occurred_at=WHEN,
        idempotency_key="fixed",
        quantity=37,
    )
    assert answer["points_awarded"] == 37
    # Unchanged: one query; switched off or moved by a moderator: put back.
    with CaptureQueriesContext(connection) as queries:
        ensure_action_type("defi-test", label="Autre", domain="energy", fixed_points=1)
    assert len(queries) == 1
    ActionType.objects.filter(code="defi-test").update(active=False, domain="water")
    again = ensure_action_type(
        "defi-test", label="Autre", domain="energy", fixed_points=1
    )
    assert (again.active, again.domain, again.label) == (True, "energy", "Défi test")

"""Leaderboards over the live HTTP API: the metric mode matches the OpenAPI file,
and a `fresh` read bypasses (and refreshes) the client's cache."""

from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.utils import timezone

from scoring import client
from scoring.engine.leaderboards import (
    LeaderboardSpec,
    register_leaderboard_source,
    unregister_leaderboard_source,
)

from .conftest import TOKEN
from .test_leaderboard_metric import METRIC, consumption, spec

pytestmark = pytest.mark.django_db(transaction=True)
SPEC_FILE = Path(settings.BASE_DIR) / "docs" / "openapi" / "scoring-v1.yaml"
WHEN = timezone.now() - timedelta(hours=2)


def test_the_metric_leaderboard_over_http_matches_the_openapi_file(
    live_server, remote_core, make_household
):
    measured = [make_household() for _ in range(5)]
    for index, household in enumerate(measured):
        consumption(household, 10, -4 * (index + 1))  # -4 … -20 %: mean -12 %
    few = [make_household() for _ in range(2)]
    for household in few:
        consumption(household, 10, -40)
    the_spec = spec({"Centre": measured, "Gare": few})

    def source(wanted: int):
        return the_spec if wanted == 4242 else None

    register_leaderboard_source(source)
    try:
        board = client.get_leaderboard(4242)
        schema = schemathesis.openapi.from_path(str(SPEC_FILE))
        (operation,) = [
            found
            for found in (result.ok() for result in schema.get_all_operations())
            if found.path == "/leaderboards/{challenge_id}"
        ]
        case = operation.Case(path_parameters={"challenge_id": 4242})
        response = case.call_and_validate(
            base_url=f"{live_server.url}/api/scoring/v1",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    finally:
        unregister_leaderboard_source(source)
    assert response.status_code == 200
    assert not client.is_embedded()
    assert board["ranked_by"] == "change_pct" and board["metric"] == METRIC
    assert [(r["team"], r["change_pct"]) for r in board["standings"]] == [
        ("Centre", -12.0),
        ("Gare", None),
    ]


def test_a_fresh_read_bypasses_the_cache_and_refreshes_it(
    remote_core, make_household, catalogue
):
    household = make_household()

    def source(wanted: int):
        if wanted != 4343:
            return None
        return LeaderboardSpec(teams={household.public_id: [household.pk]})

    def points(board: dict) -> int:
        return board["standings"][0]["points"]

    register_leaderboard_source(source)
    try:
        client.log_action(
            household,
            action="douche-courte",
            domain="water",
            occurred_at=WHEN,
            idempotency_key="fresh-1",
        )
        assert points(client.get_leaderboard(4343)) == 10
        client.log_action(
            household,
            action="velo-travail",
            domain="transport",
            occurred_at=WHEN,
            idempotency_key="fresh-2",
        )
        # A plain read answers from the cache: what a page view may show.
        assert points(client.get_leaderboard(4343)) == 10
        # The live event's read asks the core again...
        assert points(client.get_leaderboard(4343, fresh=True)) == 50
        # ...and leaves the new answer in the cache for the next page view.
        assert points(client.get_leaderboard(4343)) == 50
    finally:
        unregister_leaderboard_source(source)

"""`scoring.client` over HTTP, against this site's API on a live server."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring import client
from scoring.actions import ReadingRow, do_import_readings, do_log_action
from scoring.engine import contract
from scoring.engine.leaderboards import (
    LeaderboardSpec,
    register_leaderboard_source,
    unregister_leaderboard_source,
)
from scoring.models import LedgerEntry

pytestmark = pytest.mark.django_db(transaction=True)
WHEN = timezone.now() - timedelta(hours=3)


def log(household, key: str, **extra) -> dict:
    return client.log_action(
        household,
        action=extra.pop("action", "velo-travail"),
        domain=extra.pop("domain", "transport"),
        occurred_at=WHEN,
        idempotency_key=key,
        **extra,
    )


class TestAgainstTheLiveApi:
    def test_the_http_client_answers_what_the_engine_answers(
        self, remote_core, household, catalogue
    ):
        assert not client.is_embedded()
        first = log(household, "k1", proof="photo")
        assert first["points_awarded"] == 60
        assert log(household, "k1", proof="photo")["replayed"] is True
        assert client.get_points(household) == contract.get_points(household.public_id)
        assert LedgerEntry.objects.filter(household=household).count() == 1
        # A quantity: one entry, its units' points; the key replays once.
        units = log(household, "k3", quantity=5)
        assert (units["points_awarded"], units["quantity"]) == (200, 5)
        assert log(household, "k3", quantity=5)["replayed"] is True
        with pytest.raises(client.Conflict) as reused:
            log(household, "k3", quantity=6)
        assert reused.value.code == "idempotency_key_reused"
        assert LedgerEntry.objects.filter(household=household).count() == 2

    def test_refusals_come_back_as_the_same_exceptions(
        self, remote_core, household, catalogue
    ):
        with pytest.raises(client.InsufficientPoints) as short:
            client.redeem(household, reward_id="pain", points=5, idempotency_key="r")
        assert short.value.status == 409
        with pytest.raises(client.InvalidRequest) as bad:
            log(household, "k2", action="inconnue")
        assert bad.value.code == "unknown_action"
        assert bad.value.fields == {"action": "Action inconnue du catalogue."}
        household.public_id = "NOPE234567"
        with pytest.raises(client.NotFound):
            client.get_points(household)
        assert not LedgerEntry.objects.exists()

    def test_erasure_over_http_forgets_the_household_once_and_again(
        self, remote_core, household, catalogue
    ):
        log(household, "k1", proof="photo")
        assert client.get_points(household)["total"] == 60  # now cached
        client.erase_household(household)
        assert not LedgerEntry.objects.filter(household=household).exists()
        # The cached answer went with it, and erasing again is harmless.
        assert client.get_points(household)["total"] == 0
        client.erase_household(household)
        household.public_id = "NOPE234567"
        with pytest.raises(client.NotFound):
            client.erase_household(household)

    def test_confirmations_and_redemptions_over_http(
        self, remote_core, household, catalogue
    ):
        log(household, "act", action="isolation", domain="energy")
        raised = client.confirm_action(
            household, action_key="act", proof="confirmed", idempotency_key="c"
        )
        assert raised["total"] == 180
        spent = client.redeem(household, reward_id="x", points=80, idempotency_key="r")
        assert spent == {
            "household_id": household.public_id,
            "idempotency_key": "r",
            "points_awarded": -80,
            "total": 100,
            "replayed": False,
            "reward_id": "x",
            "points_spent": 80,
        }

    def test_summaries_over_http_keep_the_five_household_rule(
        self, remote_core, make_household, neighbourhood
    ):
        households = [make_household() for _ in range(4)]
        do_import_readings(
            ReadingRow(
                h.pk, "water_l", date(2026, 5, 1) + timedelta(days=n), Decimal(100)
            )
            for h in households
            for n in range(7)
        )
        summary = client.get_sensor_summary(households[0], "week", date(2026, 5, 1))
        assert summary["metrics"]["water_l"]["total"] == 300.0  # 1-3 May, Fri-Sun
        hood = client.get_neighbourhood_summary(neighbourhood, "week", date(2026, 5, 6))
        assert hood["metrics"]["water_l"] is None

    def test_gets_are_cached_and_a_write_refreshes_points(
        self, remote_core, household, catalogue
    ):
        assert client.get_points(household)["total"] == 0
        # Written behind the client's back: the cached answer stays for a while.
        action = catalogue["douche-courte"]
        do_log_action(
            household,
            action,
            domain="water",
            occurred_at=WHEN,
            proof="declared",
            idempotency_key="direct",
        )
        assert client.get_points(household)["total"] == 0
        log(household, "through-client")
        assert client.get_points(household)["total"] == 50

    def test_leaderboards_rank_by_points_per_household(
        self, remote_core, make_household, catalogue
    ):
        big = [make_household() for _ in range(4)]
        small = [make_household()]
        for index, household in enumerate(big):
            log(household, f"b{index}", action="douche-courte", domain="water")
        log(small[0], "s0")  # 40 points alone beat 4 × 10 shared by four

        def source(challenge_id: int):
            if challenge_id != 77:
                return None
            return LeaderboardSpec(
                teams={"Grand": [h.pk for h in big], "Petit": [h.pk for h in small]},
                team_kind="neighbourhood",
            )

        register_leaderboard_source(source)
        try:
            board = client.get_leaderboard(77)
        finally:
            unregister_leaderboard_source(source)
        assert board["team_kind"] == "neighbourhood"
        assert [(s["rank"], s["team"], s["points"]) for s in board["standings"]] == [
            (1, "Petit", 40),
            (2, "Grand", 40),
        ]
        assert board["standings"][1]["points_per_household"] == 10.0

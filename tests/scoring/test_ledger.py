"""The points ledger: awards, idempotency, proof upgrades, append-only, erasure."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from community.models import HouseholdStatus
from scoring import client
from scoring.actions import do_erase_household_scoring
from scoring.models import AppendOnlyError, HouseholdBalance, LedgerEntry

pytestmark = pytest.mark.django_db
# One instant for the whole module: a retried request repeats its body exactly.
WHEN = timezone.now() - timedelta(hours=2)


def log(household, key="k1", action="velo-travail", domain="transport", **extra):
    return client.log_action(
        household,
        action=action,
        domain=domain,
        occurred_at=extra.pop("occurred_at", WHEN),
        idempotency_key=key,
        **extra,
    )


def ledger_sum(household) -> int:
    return sum(
        LedgerEntry.objects.filter(household=household).values_list("points", flat=True)
    )


def test_an_action_awards_its_points_and_moves_the_balance(household, catalogue):
    answer = log(household, proof="photo")
    assert answer["points_awarded"] == 60
    assert answer["total"] == 60
    assert answer["replayed"] is False
    points = client.get_points(household)
    assert points["total"] == 60
    assert points["earned"] == 60
    assert points["by_domain"] == {
        "energy": 0,
        "water": 0,
        "transport": 60,
        "waste": 0,
        "local_food": 0,
    }
    assert points["updated_at"] is not None


def test_the_same_key_twice_awards_once(household, catalogue):
    first = log(household, key="same")
    second = log(household, key="same")
    assert second["replayed"] is True
    assert second["points_awarded"] == first["points_awarded"] == 40
    assert client.get_points(household)["total"] == 40
    assert LedgerEntry.objects.filter(household=household).count() == 1


def test_a_key_reused_for_another_request_is_refused(household, catalogue):
    log(household, key="k")
    with pytest.raises(client.Conflict) as refused:
        log(household, key="k", action="douche-courte", domain="water")
    assert refused.value.code == "idempotency_key_reused"
    assert LedgerEntry.objects.filter(household=household).count() == 1


def test_keys_are_per_household(make_household, catalogue):
    one, two = make_household(), make_household()
    log(one, key="shared")
    log(two, key="shared")
    assert client.get_points(one)["total"] == client.get_points(two)["total"] == 40


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"action": "inconnue"}, "unknown_action"),
        ({"domain": "water"}, "domain_mismatch"),
        ({"domain": "espace"}, "invalid_body"),
        ({"proof": "rumeur"}, "invalid_body"),
        ({"key": "une clé avec espaces"}, "invalid_body"),
        ({"occurred_at": timezone.now() + timedelta(days=1)}, "invalid_body"),
        ({"occurred_at": timezone.now() - timedelta(days=8)}, "invalid_body"),
    ],
)
def test_bad_actions_are_refused_and_write_nothing(household, catalogue, changes, code):
    with pytest.raises(client.InvalidRequest) as refused:
        log(household, **changes)
    assert refused.value.code == code
    assert refused.value.status == 400
    assert not LedgerEntry.objects.filter(household=household).exists()


def test_an_action_can_be_logged_up_to_seven_days_late(household, catalogue):
    answer = log(household, occurred_at=timezone.now() - timedelta(days=6, hours=23))
    assert answer["points_awarded"] == 40


def test_a_household_that_left_cannot_log(make_household, catalogue):
    gone = make_household(status=HouseholdStatus.LEFT)
    with pytest.raises(client.Conflict) as refused:
        log(gone)
    assert refused.value.code == "household_left"


def test_an_unknown_household_is_404(household, catalogue):
    household.public_id = "NOPE234567"
    with pytest.raises(client.NotFound) as refused:
        log(household)
    assert refused.value.code == "unknown_household"


def test_proof_upgrades_append_the_difference(household, catalogue):
    log(household, key="act")
    photo = client.confirm_action(
        household, action_key="act", proof="photo", idempotency_key="up1"
    )
    assert photo["points_awarded"] == 20
    confirmed = client.confirm_action(
        household, action_key="act", proof="confirmed", idempotency_key="up2"
    )
    assert confirmed["points_awarded"] == 20
    assert confirmed["total"] == 80  # 40 × 2
    again = client.confirm_action(
        household, action_key="act", proof="confirmed", idempotency_key="up2"
    )
    assert again["replayed"] is True
    with pytest.raises(client.Conflict) as refused:
        client.confirm_action(
            household, action_key="act", proof="photo", idempotency_key="up3"
        )
    assert refused.value.code == "proof_not_higher"
    with pytest.raises(client.NotFound):
        client.confirm_action(
            household, action_key="nope", proof="photo", idempotency_key="up4"
        )
    assert LedgerEntry.objects.filter(household=household).count() == 3
    assert ledger_sum(household) == 80


def test_redemptions_spend_points_once_and_refuse_a_short_balance(household, catalogue):
    log(household, action="isolation", domain="energy", proof="confirmed")  # 180
    spent = client.redeem(
        household, reward_id="boulangerie-1", points=100, idempotency_key="r1"
    )
    assert spent["points_spent"] == 100
    assert spent["total"] == 80
    replay = client.redeem(
        household, reward_id="boulangerie-1", points=100, idempotency_key="r1"
    )
    assert replay["replayed"] is True
    assert replay["total"] == 80
    with pytest.raises(client.InsufficientPoints) as refused:
        client.redeem(household, reward_id="velo", points=81, idempotency_key="r2")
    assert refused.value.status == 409
    assert refused.value.code == "insufficient_points"
    points = client.get_points(household)
    assert points["total"] == 80
    assert points["earned"] == 180
    assert points["redeemed"] == 100
    assert points["by_domain"]["energy"] == 180
    assert LedgerEntry.objects.filter(household=household).count() == 2


@pytest.mark.parametrize("points", [0, -5, 1.5, True, "10", None])
def test_redemptions_need_a_positive_whole_number(household, points):
    with pytest.raises(client.InvalidRequest) as refused:
        client.redeem(household, reward_id="x", points=points, idempotency_key="r")
    assert "points" in refused.value.fields
    assert not LedgerEntry.objects.filter(household=household).exists()


def test_the_balance_row_always_equals_the_ledger(make_household, catalogue):
    household = make_household()
    log(household, key="a")
    log(household, key="b", action="douche-courte", domain="water", proof="photo")
    client.redeem(household, reward_id="x", points=25, idempotency_key="c")
    balance = HouseholdBalance.objects.get(household=household)
    assert balance.balance == ledger_sum(household) == 40 + 15 - 25


class TestAppendOnly:
    def test_the_orm_refuses_to_change_or_remove_entries(self, household, catalogue):
        log(household)
        entry = LedgerEntry.objects.get(household=household)
        entry.points = 1_000
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            LedgerEntry.objects.filter(pk=entry.pk).update(points=1_000)
        with pytest.raises(AppendOnlyError):
            LedgerEntry.objects.filter(pk=entry.pk).delete()
        with pytest.raises(AppendOnlyError):
            LedgerEntry.objects.bulk_update([entry], ["points"])
        assert LedgerEntry.objects.get(pk=entry.pk).points == 40

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE scoring_ledgerentry SET points = 1000 WHERE id = %s",
            "DELETE FROM scoring_ledgerentry WHERE id = %s",
        ],
    )
    def test_postgresql_refuses_raw_sql_too(self, household, catalogue, statement):
        assert connection.vendor == "postgresql"
        log(household)
        entry = LedgerEntry.objects.get(household=household)
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [entry.pk])
        assert LedgerEntry.objects.get(pk=entry.pk).points == 40

    def test_erasure_is_the_one_way_out(self, make_household, catalogue):
        gone, kept = make_household(), make_household()
        log(gone)
        client.confirm_action(gone, action_key="k1", proof="photo", idempotency_key="p")
        log(kept)
        do_erase_household_scoring(gone)
        assert not LedgerEntry.objects.filter(household=gone).exists()
        assert not HouseholdBalance.objects.filter(household=gone).exists()
        assert LedgerEntry.objects.filter(household=kept).count() == 1
        gone.delete()  # nothing of scoring protects it any more
        # The flag was local to the erasure's transaction.
        entry = LedgerEntry.objects.get(household=kept)
        with pytest.raises(DatabaseError):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM scoring_ledgerentry WHERE id = %s", [entry.pk]
                )

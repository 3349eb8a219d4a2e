"""Concurrent requests on PostgreSQL: one award per key, no overdraft.

Each thread has its own database connection (Django opens one per thread), so
these are real concurrent transactions racing for the balance row's lock.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from scoring import client
from scoring.models import HouseholdBalance, LedgerEntry

from .conftest import THREADS, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_key_sent_concurrently_awards_once(household, catalogue):
    assert connection.vendor == "postgresql"
    when = timezone.now() - timedelta(hours=1)

    def send(_index: int) -> dict:
        return client.log_action(
            household,
            action="isolation",
            domain="energy",
            occurred_at=when,
            idempotency_key="double-clic",
        )

    results = race(send)
    assert all(isinstance(r, dict) for r in results), results
    assert [r["points_awarded"] for r in results] == [90] * THREADS
    assert sum(1 for r in results if not r["replayed"]) == 1
    assert LedgerEntry.objects.filter(household=household).count() == 1
    assert HouseholdBalance.objects.get(household=household).balance == 90


def test_concurrent_first_actions_of_a_household_all_count(household, catalogue):
    """Different keys, no balance row yet: every thread's award lands."""
    when = timezone.now() - timedelta(hours=1)
    results = race(
        lambda i: client.log_action(
            household,
            action="douche-courte",
            domain="water",
            occurred_at=when,
            idempotency_key=f"k{i}",
        )
    )
    assert all(isinstance(r, dict) for r in results), results
    assert sorted(r["total"] for r in results) == [10 * n for n in range(1, 9)]
    assert HouseholdBalance.objects.get(household=household).balance == 80


def test_concurrent_redemptions_cannot_overdraw(household, catalogue):
    client.log_action(
        household,
        action="isolation",
        domain="energy",
        occurred_at=timezone.now() - timedelta(hours=1),
        idempotency_key="gain",
        proof="confirmed",
    )  # 180 points: room for 6 redemptions of 30, not 8

    results = race(
        lambda i: client.redeem(
            household, reward_id="cafe", points=30, idempotency_key=f"r{i}"
        )
    )
    accepted = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, client.InsufficientPoints)]
    assert len(accepted) == 6
    assert len(refused) == 2
    assert sorted(r["total"] for r in accepted) == [0, 30, 60, 90, 120, 150]
    assert HouseholdBalance.objects.get(household=household).balance == 0
    assert LedgerEntry.objects.filter(household=household).count() == 7


def test_the_same_redemption_sent_concurrently_spends_once(household, catalogue):
    client.log_action(
        household,
        action="isolation",
        domain="energy",
        occurred_at=timezone.now() - timedelta(hours=1),
        idempotency_key="gain",
    )
    results = race(
        lambda i: client.redeem(
            household, reward_id="cafe", points=50, idempotency_key="un-seul"
        )
    )
    assert all(isinstance(r, dict) for r in results), results
    assert {r["total"] for r in results} == {40}
    assert HouseholdBalance.objects.get(household=household).balance == 40

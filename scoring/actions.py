"""Every write to the scoring tables goes through here.

Points: each write locks the household's balance row first (SELECT ... FOR
UPDATE), then looks up the idempotency key, then appends to the ledger and moves
the balance, all in one transaction. Two requests for one household therefore
run one after the other: a repeated key finds the first entry, and a second
redemption sees the balance the first one left. The unique constraint on
(household, idempotency_key) backs the lookup up.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Household
from scoring.errors import Conflict, InsufficientPoints, InvalidRequest, NotFound
from scoring.models import (
    ActionType,
    EntryKind,
    HouseholdBalance,
    LedgerEntry,
    MetricBaseline,
    SensorReading,
)
from scoring.models.catalogue import PROOF_ORDER

# A baseline from the first weeks covers this many days from the first reading.
FIRST_WEEKS_DAYS = 28


@dataclass(frozen=True)
class Recorded:
    """What a points write answers: the entry, the balance after it, a replay flag."""

    entry: LedgerEntry
    total: int
    replayed: bool


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _lock_balance(household: Household) -> HouseholdBalance:
    # INSERT ... ON CONFLICT DO NOTHING: two first writes for one household both
    # end up locking the single row instead of one failing on the primary key.
    HouseholdBalance.objects.bulk_create(
        [HouseholdBalance(household=household)], ignore_conflicts=True
    )
    return HouseholdBalance.objects.select_for_update().get(household=household)


def _replay(balance: HouseholdBalance, key: str, fingerprint: str) -> Recorded | None:
    existing = (
        LedgerEntry.objects.filter(
            household_id=balance.household_id, idempotency_key=key
        )
        .select_related("action_type")
        .first()
    )
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        raise Conflict(
            _("Cette clé d'idempotence a déjà servi pour une autre demande."),
            code="idempotency_key_reused",
        )
    return Recorded(existing, balance.balance, replayed=True)


def _append(balance: HouseholdBalance, entry: LedgerEntry) -> Recorded:
    entry.save()
    balance.balance += entry.points
    balance.updated_at = entry.recorded_at
    balance.save(update_fields=["balance", "updated_at"])
    return Recorded(entry, balance.balance, replayed=False)


def do_log_action(
    household: Household,
    action_type: ActionType,
    *,
    domain: str,
    occurred_at: datetime,
    proof: str,
    idempotency_key: str,
) -> Recorded:
    """Award an action's points once per idempotency key."""
    if domain != action_type.domain:
        raise InvalidRequest(
            _("Cette action relève d'un autre domaine."),
            code="domain_mismatch",
            fields={"domain": action_type.domain},
        )
    fingerprint = _fingerprint(
        EntryKind.ACTION, action_type.code, domain, occurred_at.astimezone(UTC), proof
    )
    with transaction.atomic():
        balance = _lock_balance(household)
        replay = _replay(balance, idempotency_key, fingerprint)
        if replay is not None:
            return replay
        return _append(
            balance,
            LedgerEntry(
                household=household,
                kind=EntryKind.ACTION,
                action_type=action_type,
                domain=domain,
                proof=proof,
                points=action_type.points(proof),
                occurred_at=occurred_at,
                recorded_at=timezone.now(),
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
            ),
        )


def do_raise_proof(
    household: Household, *, action_key: str, proof: str, idempotency_key: str
) -> Recorded:
    """Raise a logged action's proof level by appending the points difference."""
    fingerprint = _fingerprint(EntryKind.PROOF, action_key, proof)
    with transaction.atomic():
        balance = _lock_balance(household)
        replay = _replay(balance, idempotency_key, fingerprint)
        if replay is not None:
            return replay
        action = (
            LedgerEntry.objects.filter(
                household=household, idempotency_key=action_key, kind=EntryKind.ACTION
            )
            .select_related("action_type")
            .first()
        )
        if action is None:
            raise NotFound(_("Action inconnue pour ce foyer."), code="unknown_action")
        upgrades = list(action.upgraded_by.order_by("recorded_at", "pk"))
        current = upgrades[-1].proof if upgrades else action.proof
        if PROOF_ORDER[proof] <= PROOF_ORDER[current]:
            raise Conflict(
                _("Le niveau de preuve de cette action est déjà au moins celui-ci."),
                code="proof_not_higher",
            )
        already = action.points + sum(entry.points for entry in upgrades)
        return _append(
            balance,
            LedgerEntry(
                household=household,
                kind=EntryKind.PROOF,
                action_type=action.action_type,
                domain=action.domain,
                proof=proof,
                points=action.action_type.points(proof) - already,
                occurred_at=action.occurred_at,
                recorded_at=timezone.now(),
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                upgrades=action,
            ),
        )


def check_redeem(
    household: Household, *, reward_id: str, points: int, idempotency_key: str
) -> Recorded:
    """Spend points on a reward once per key; refuse when the balance is short."""
    fingerprint = _fingerprint(EntryKind.REDEMPTION, reward_id, points)
    with transaction.atomic():
        balance = _lock_balance(household)
        replay = _replay(balance, idempotency_key, fingerprint)
        if replay is not None:
            return replay
        if balance.balance < points:
            raise InsufficientPoints(
                _("Solde insuffisant : %(balance)d points pour %(points)d demandés.")
                % {"balance": balance.balance, "points": points}
            )
        now = timezone.now()
        return _append(
            balance,
            LedgerEntry(
                household=household,
                kind=EntryKind.REDEMPTION,
                points=-points,
                occurred_at=now,
                recorded_at=now,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                reward_id=reward_id,
            ),
        )


@dataclass(frozen=True)
class ReadingRow:
    """One checked CSV row, ready to store."""

    household_id: int
    metric: str
    date: date
    value: Decimal


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def do_import_readings(rows: Iterable[ReadingRow]) -> ImportResult:
    """Store checked readings (insert or replace) and refresh the baselines they touch.

    One transaction: a failure leaves the tables as they were. Rows whose value
    is already stored are skipped, so a re-import changes nothing.
    """
    rows = list(rows)
    if not rows:
        return ImportResult(0, 0, 0)
    households = {row.household_id for row in rows}
    first_day = min(row.date for row in rows)
    last_day = max(row.date for row in rows)
    with transaction.atomic():
        stored = {
            (h, m, d): v
            for h, m, d, v in SensorReading.objects.filter(
                household_id__in=households, date__range=(first_day, last_day)
            ).values_list("household_id", "metric", "date", "value")
        }
        now = timezone.now()
        changed = []
        created = updated = 0
        for row in rows:
            old = stored.get((row.household_id, row.metric, row.date))
            if old is not None and old == row.value:
                continue
            if old is None:
                created += 1
            else:
                updated += 1
            changed.append(
                SensorReading(
                    household_id=row.household_id,
                    metric=row.metric,
                    date=row.date,
                    value=row.value,
                    imported_at=now,
                )
            )
        SensorReading.objects.bulk_create(
            changed,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["household", "metric", "date"],
            update_fields=["value", "imported_at"],
        )
        pairs = {(row.household_id, row.metric) for row in changed}
        for household_id, metric in sorted(pairs):
            _refresh_first_weeks(household_id, metric)
    return ImportResult(created, updated, len(rows) - created - updated)


def _refresh_first_weeks(household_id: int, metric: str) -> None:
    readings = SensorReading.objects.filter(household_id=household_id, metric=metric)
    first = readings.aggregate(first=Min("date"))["first"]
    window = readings.filter(date__lt=first + timedelta(days=FIRST_WEEKS_DAYS))
    stats = window.aggregate(days=Count("pk"), total=Sum("value"))
    MetricBaseline.objects.update_or_create(
        household_id=household_id,
        metric=metric,
        defaults={
            "first_date": first,
            "days": stats["days"],
            "daily_mean": Decimal(stats["total"]) / stats["days"],
        },
    )


def do_erase_household_scoring(household: Household) -> None:
    """Remove every scoring row of a household (the right to erasure)."""
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql:
            # The ledger trigger lets a DELETE through only with this flag. It is
            # local to the transaction, and switched off again right after, in
            # case an outer transaction (a wider erasure) goes on.
            cursor.execute("SELECT set_config('scoring.ledger_erasure', 'on', true)")
        cursor.execute(
            f"DELETE FROM {LedgerEntry._meta.db_table} WHERE household_id = %s",  # noqa: S608
            [household.pk],
        )
        if postgresql:
            cursor.execute("SELECT set_config('scoring.ledger_erasure', 'off', true)")
        HouseholdBalance.objects.filter(household=household).delete()
        SensorReading.objects.filter(household=household).delete()
        MetricBaseline.objects.filter(household=household).delete()

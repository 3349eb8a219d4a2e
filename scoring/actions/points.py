"""Writes of the points ledger.

Every write appends to the ledger and moves the household's balance in one
transaction, and keeps an idempotency key to one entry per household, in one
of two ways:

- Redemptions and proof upgrades lock the household's balance row first
  (SELECT ... FOR UPDATE), then look the key up, then append and move the
  balance. Two of them for one household run one after the other: a repeated
  key finds the first entry, and a second redemption sees the balance the first
  one left.
- Actions, the path that must take hundreds a second (issue 14), check no
  balance: the entry is inserted with INSERT ... ON CONFLICT (household, key)
  DO NOTHING, then the balance moved by one upsert that adds the points and
  locks the row until commit. The unique constraint on (household,
  idempotency_key) is then the key's lock: a second insert of a key waits for
  the first transaction, inserts nothing once it committed, and the entry it
  finds is answered as a replay. Two statements instead of five, in SQL since
  the ORM can express neither.

An action takes its key, then the balance row; a redemption the balance row,
then its key. They wait on each other only when one key is sent as an action
and as a redemption of one household at the same moment: PostgreSQL then
refuses one of the two (a deadlock, answered 503 « réessayez »; sent again, it
is a 409 for a reused key).
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Household
from scoring.errors import Conflict, InsufficientPoints, InvalidRequest, NotFound
from scoring.models import (
    ActionType,
    EntryKind,
    HouseholdBalance,
    LedgerEntry,
)
from scoring.models.catalogue import PROOF_ORDER


@dataclass(frozen=True)
class Recorded:
    """What a points write answers: the entry, the balance after it, a replay flag."""

    entry: LedgerEntry
    total: int
    replayed: bool


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _lock_balance(household: Household) -> HouseholdBalance:
    locked = HouseholdBalance.objects.select_for_update()
    # One query once the household has its balance row: every write but its first.
    balance = locked.filter(household=household).first()
    if balance is not None:
        return balance
    # The first write: INSERT ... ON CONFLICT DO NOTHING, so that two first
    # writes for one household both end up locking the single row instead of
    # one failing on the primary key.
    HouseholdBalance.objects.bulk_create(
        [HouseholdBalance(household=household)], ignore_conflicts=True
    )
    return locked.get(household=household)


def _known_entry(
    household: Household, key: str, fingerprint: str
) -> LedgerEntry | None:
    """The entry the household already wrote with `key`, if the same request."""
    existing = (
        LedgerEntry.objects.filter(household=household, idempotency_key=key)
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
    existing.household = household  # the same row: no query to load it again
    return existing


def _replay(
    household: Household, balance: HouseholdBalance, key: str, fingerprint: str
) -> Recorded | None:
    existing = _known_entry(household, key, fingerprint)
    if existing is None:
        return None
    return Recorded(existing, balance.balance, replayed=True)


def _append(balance: HouseholdBalance, entry: LedgerEntry) -> Recorded:
    entry.save()
    balance.balance += entry.points
    balance.updated_at = entry.recorded_at
    balance.save(update_fields=["balance", "updated_at"])
    return Recorded(entry, balance.balance, replayed=False)


# Every column of an entry but its id, in the model's order.
ENTRY_FIELDS = [
    field for field in LedgerEntry._meta.concrete_fields if not field.primary_key
]


def _insert_unless_known(entry: LedgerEntry) -> bool:
    """Insert `entry` unless its household used its key already; True if inserted."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in ENTRY_FIELDS)
    values = [
        field.get_db_prep_save(getattr(entry, field.attname), connection)
        for field in ENTRY_FIELDS
    ]
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(LedgerEntry._meta.db_table)} ({columns})"  # noqa: S608 (names from the model)
            f" VALUES ({placeholders})"
            " ON CONFLICT (household_id, idempotency_key) DO NOTHING RETURNING id",
            values,
        )
        row = cursor.fetchone()
    if row is None:
        return False
    # What the ORM's save() leaves on an instance it inserted.
    entry.pk = row[0]
    entry._state.adding = False
    entry._state.db = connection.alias
    return True


def _add_to_balance(household: Household, points: int, when: datetime) -> int:
    """Add `points` to the balance, made by the first entry; the new balance.

    The row stays locked until commit, as SELECT ... FOR UPDATE would.
    """
    table = connection.ops.quote_name(HouseholdBalance._meta.db_table)
    updated_at = HouseholdBalance._meta.get_field("updated_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (household_id, balance, updated_at)"  # noqa: S608 (names from the model)
            " VALUES (%s, %s, %s) ON CONFLICT (household_id) DO UPDATE"
            f" SET balance = {table}.balance + excluded.balance,"
            " updated_at = excluded.updated_at RETURNING balance",
            [household.pk, points, updated_at.get_db_prep_save(when, connection)],
        )
        (balance,) = cursor.fetchone()
    return balance


def do_log_action(
    household: Household,
    action_type: ActionType,
    *,
    domain: str,
    occurred_at: datetime,
    proof: str,
    idempotency_key: str,
    quantity: int = 1,
) -> Recorded:
    """Award an action's points × `quantity` once per idempotency key.

    One entry whatever the quantity. The fingerprint names the quantity only
    when it is not 1, so that keys sent before quantities existed replay.
    """
    if domain != action_type.domain:
        raise InvalidRequest(
            _("Cette action relève d'un autre domaine."),
            code="domain_mismatch",
            fields={"domain": action_type.domain},
        )
    parts: list[object] = [
        EntryKind.ACTION,
        action_type.code,
        domain,
        occurred_at.astimezone(UTC),
        proof,
    ]
    if quantity != 1:
        parts.append(f"quantity={quantity}")
    fingerprint = _fingerprint(*parts)
    entry = LedgerEntry(
        household=household,
        kind=EntryKind.ACTION,
        action_type=action_type,
        domain=domain,
        proof=proof,
        points=action_type.points(proof) * quantity,
        quantity=quantity,
        occurred_at=occurred_at,
        recorded_at=timezone.now(),
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
    )
    with transaction.atomic():
        while not _insert_unless_known(entry):
            existing = _known_entry(household, idempotency_key, fingerprint)
            if existing is not None:
                total = (
                    HouseholdBalance.objects.filter(household=household)
                    .values_list("balance", flat=True)
                    .first()
                )
                return Recorded(existing, total or 0, replayed=True)
            # The entry that held the key is gone (the household's scoring was
            # erased in between): the key is free again.
        total = _add_to_balance(household, entry.points, entry.recorded_at)
    return Recorded(entry, total, replayed=False)


def do_raise_proof(
    household: Household, *, action_key: str, proof: str, idempotency_key: str
) -> Recorded:
    """Raise a logged action's proof level by appending the points difference."""
    fingerprint = _fingerprint(EntryKind.PROOF, action_key, proof)
    with transaction.atomic():
        balance = _lock_balance(household)
        replay = _replay(household, balance, idempotency_key, fingerprint)
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
                points=action.action_type.points(proof) * action.quantity - already,
                occurred_at=action.occurred_at,
                recorded_at=timezone.now(),
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                quantity=action.quantity,
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
        replay = _replay(household, balance, idempotency_key, fingerprint)
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

"""Writes of the points ledger.

Each write locks the household's balance row first (SELECT ... FOR
UPDATE), then looks up the idempotency key, then appends to the ledger and moves
the balance, all in one transaction. Two requests for one household therefore
run one after the other: a repeated key finds the first entry, and a second
redemption sees the balance the first one left. The unique constraint on
(household, idempotency_key) backs the lookup up.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
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

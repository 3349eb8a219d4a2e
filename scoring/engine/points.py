"""Reads of the points ledger: a household's points, and rankings."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, Sum

from community.domains import Domain
from community.models import Household
from scoring.models import EntryKind, HouseholdBalance, LedgerEntry

EARNING_KINDS = (EntryKind.ACTION, EntryKind.PROOF)


def household_points(household: Household) -> dict:
    """Balance, points earned and redeemed, and earned points by domain."""
    balance = HouseholdBalance.objects.filter(household=household).first()
    by_domain = dict.fromkeys(Domain.values, 0)
    earned = 0
    rows = (
        LedgerEntry.objects.filter(household=household, kind__in=EARNING_KINDS)
        .values("domain")
        .annotate(points=Sum("points"))
        .order_by()
    )
    for row in rows:
        by_domain[row["domain"]] = row["points"]
        earned += row["points"]
    total = balance.balance if balance else 0
    return {
        "household_id": household.public_id,
        "total": total,
        "earned": earned,
        "redeemed": earned - total,
        "by_domain": by_domain,
        "updated_at": balance.updated_at.isoformat()
        if balance and balance.updated_at
        else None,
    }


@dataclass(frozen=True)
class Standing:
    rank: int
    team: str
    households: int
    points: int
    points_per_household: float


def rank_teams(
    teams: Mapping[str, Sequence[int]],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    action_codes: Sequence[str] | None = None,
) -> list[Standing]:
    """Rank teams (lists of household pks) by points earned per household.

    Per household, so that a team of 40 households does not beat a team of 8 by
    size alone. Redemptions do not count: spending points never lowers a rank.
    Teams with equal points per household share a rank (1, 1, 3).
    """
    members = {pk for pks in teams.values() for pk in pks}
    filters = Q(household_id__in=members, kind__in=EARNING_KINDS)
    if since is not None:
        filters &= Q(occurred_at__gte=since)
    if until is not None:
        filters &= Q(occurred_at__lt=until)
    if action_codes is not None:
        filters &= Q(action_type__code__in=list(action_codes))
    earned = dict(
        LedgerEntry.objects.filter(filters)
        .values("household_id")
        .annotate(points=Sum("points"))
        .order_by()
        .values_list("household_id", "points")
    )
    scored = []
    for team, pks in teams.items():
        size = len(set(pks))
        points = sum(earned.get(pk, 0) for pk in set(pks))
        per = round(points / size, 2) if size else 0.0
        scored.append((team, size, points, per))
    scored.sort(key=lambda row: (-row[3], row[0]))
    standings: list[Standing] = []
    for position, (team, size, points, per) in enumerate(scored, start=1):
        tied = standings and standings[-1].points_per_household == per
        rank = standings[-1].rank if tied else position
        standings.append(Standing(rank, team, size, points, per))
    return standings

"""« Foyers inscrits » and the coverage target of a neighbourhood: one definition.

The home page, the ambassadors' coverage page and the admin's report and panel
read their figures here, so the three agree (docs/decisions.md, session 6):

- a household is « inscrit » in a neighbourhood when it belongs to that
  neighbourhood and its status is ACTIVE: it signed up (with an ambassador's
  code or in the open) and has not left; a pre-registered household has not
  signed up yet, a household that left no longer counts;
- the neighbourhood's households are its census figure
  (`Neighbourhood.household_count`), and the target is that figure times
  town's `coverage_target_share` (25 % by default), rounded up.

Counts are correlated subqueries on the neighbourhoods' query: one query
whatever the number of neighbourhoods.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from community.models.households import Household, HouseholdStatus
from community.models.towns import Neighbourhood


def target_share(share: float | None = None) -> float:
    """A town's share (`TownPage.coverage_target_share`), else the deployment's."""
    if share is not None:
        return share
    return settings.SMARTCITIZEN["COVERAGE_TARGET_SHARE"]


def target_for(households: int, share: float | None = None) -> int:
    """The number of households a neighbourhood aims for (rounded up)."""
    return math.ceil(households * target_share(share))


def signed_up_count(neighbourhood_ref: str = "pk") -> Coalesce:
    """The « foyers inscrits » of the neighbourhood `OuterRef(neighbourhood_ref)`."""
    counted = (
        Household.objects.filter(
            neighbourhood=OuterRef(neighbourhood_ref), status=HouseholdStatus.ACTIVE
        )
        .order_by()
        .values("neighbourhood")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_signed_up(
    neighbourhoods: QuerySet[Neighbourhood], name: str = "signed_up"
) -> QuerySet[Neighbourhood]:
    """The neighbourhoods with their « foyers inscrits » as `name`."""
    return neighbourhoods.annotate(**{name: signed_up_count()})


def _percent(part: int, whole: int) -> int:
    # Rounded half up, as a reader would: 140 of 520 is 27 %.
    return (200 * part + whole) // (2 * whole) if whole else 0


@dataclass(frozen=True)
class Participation:
    """A neighbourhood's (or a sum of neighbourhoods') households and sign-ups."""

    households: int
    signed_up: int
    # The town's target share; None: the deployment's default.
    share: float | None = None

    @property
    def target(self) -> int:
        return target_for(self.households, self.share)

    @property
    def percent(self) -> int:
        """Signed-up households as a share of all households, in %."""
        return _percent(self.signed_up, self.households)

    @property
    def target_percent(self) -> int:
        return round(100 * target_share(self.share))

    @property
    def share_of_target(self) -> int:
        """Signed-up households as a percentage of the target, rounded down."""
        return 100 * self.signed_up // self.target if self.target else 0

    @property
    def reached(self) -> bool:
        return self.signed_up >= self.target

    def __add__(self, other: "Participation") -> "Participation":
        # Neighbourhoods of one town keep its share; mixed towns fall back on
        # the deployment's (a superuser's total over several towns).
        share = (
            self.share
            if self.share == other.share or not other.households
            else (other.share if not self.households else None)
        )
        return Participation(
            self.households + other.households, self.signed_up + other.signed_up, share
        )

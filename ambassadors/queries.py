"""Reads that check who may see what: ambassadors see only their own work.

`access_*` functions raise PermissionDenied (not an ambassador) or Http404 (not
theirs, or gone), the same 404 as for an unknown id so nothing leaks.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404

from ambassadors.models import AmbassadorPage, AssistedAction, Onboarding, Visit
from ambassadors.models.visits import VisitOutcome
from community import roles
from community.models import (
    ConsentRecord,
    HouseholdStatus,
    Member,
    Neighbourhood,
    TownPage,
)


@dataclass(frozen=True)
class AmbassadorScope:
    """An ambassador acting in a town, with the neighbourhoods their page covers."""

    user: User
    town: TownPage
    page: AmbassadorPage | None
    neighbourhoods: list[Neighbourhood] = field(default_factory=list)

    @property
    def neighbourhood_ids(self) -> set[int]:
        return {n.pk for n in self.neighbourhoods}

    def covers(self, neighbourhood: Neighbourhood | None) -> bool:
        return neighbourhood is not None and neighbourhood.pk in self.neighbourhood_ids


def access_ambassador_scope(
    user: User | AnonymousUser, town: TownPage
) -> AmbassadorScope:
    """The scope of a signed-in ambassador in this town; others are refused.

    The neighbourhoods are those of the ambassador's page in this town as stored
    (its last publication): the page is the one source of truth for coverage.
    """
    if not roles.is_ambassador(user, town):
        raise PermissionDenied
    page = (
        AmbassadorPage.objects.descendant_of(town)
        .filter(user=user)
        .order_by("pk")
        .first()
    )
    neighbourhoods = (
        list(page.neighbourhoods.filter(town=town).order_by("name")) if page else []
    )
    return AmbassadorScope(
        user=user, town=town, page=page, neighbourhoods=neighbourhoods
    )


# The public side: a resident visiting an ambassador's page.


def access_public_ambassador(town: TownPage, slug: str) -> AmbassadorPage:
    """A live ambassador page of this town by its slug, or 404.

    Slugs are unique among siblings and a town has one index page, so the slug
    names one page in the town.
    """
    page = AmbassadorPage.objects.live().descendant_of(town).filter(slug=slug).first()
    if page is None:
        raise Http404
    return page


def covered_neighbourhoods(scope: AmbassadorScope) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(pk__in=scope.neighbourhood_ids).order_by("name")


def own_visits(scope: AmbassadorScope) -> QuerySet[Visit]:
    """The ambassador's visits in this town, newest first."""
    return (
        Visit.objects.filter(ambassador=scope.user, neighbourhood__town=scope.town)
        .select_related("neighbourhood", "household")
        .order_by("-visited_on", "-updated_at", "-pk")
    )


def access_visit(scope: AmbassadorScope, visit_id: int) -> Visit:
    """One of the ambassador's own visits, or 404."""
    visit = own_visits(scope).filter(pk=visit_id).first()
    if visit is None:
        raise Http404
    return visit


def pending_call_backs(
    scope: AmbassadorScope, until: date | None = None
) -> QuerySet[Visit]:
    """Doors marked "call back" with no later visit to the same door."""
    later = Visit.objects.filter(
        ambassador=OuterRef("ambassador"),
        neighbourhood=OuterRef("neighbourhood"),
        address_key=OuterRef("address_key"),
        visited_on__gt=OuterRef("visited_on"),
    )
    visits = own_visits(scope).filter(
        outcome=VisitOutcome.INTERESTED,
        household__isnull=True,
        address_erased_at__isnull=True,
    )
    if until is not None:
        visits = visits.filter(call_back_on__lte=until)
    return visits.exclude(Exists(later)).order_by("call_back_on", "pk")


def _consenting() -> Exists:
    return Exists(
        ConsentRecord.objects.filter(
            household=OuterRef("household"), withdrawn_at__isnull=True
        )
    )


def followed_households(scope: AmbassadorScope) -> QuerySet[Onboarding]:
    """The households this ambassador brought in, while they stay and consent.

    Annotated with their last activity: a member's last login and the last
    action the ambassador logged for them (never their private data).
    """
    return (
        Onboarding.objects.filter(
            ambassador=scope.user, household__neighbourhood__town=scope.town
        )
        .exclude(household__status=HouseholdStatus.LEFT)
        .filter(_consenting())
        .select_related("household", "household__neighbourhood")
        .annotate(
            last_login=Max("household__members__user__last_login"),
            last_assisted=Max("household__assisted_actions__created_at"),
        )
        .order_by("-created_at", "-pk")
    )


def access_followed_household(scope: AmbassadorScope, public_id: str) -> Onboarding:
    """A followed household of the ambassador, or 404 (gone, withdrawn, not theirs)."""
    onboarding = (
        followed_households(scope).filter(household__public_id=public_id).first()
    )
    if onboarding is None:
        raise Http404
    return onboarding


def household_assisted_actions(onboarding: Onboarding) -> QuerySet[AssistedAction]:
    return (
        AssistedAction.objects.filter(household=onboarding.household)
        .select_related("action_type")
        .order_by("-occurred_at", "-pk")
    )


# The resident's side.


def access_resident_household(user: User | AnonymousUser, town: TownPage) -> Member:
    """The signed-in member of this town with a household, or 404."""
    if not user.is_authenticated:
        raise Http404
    member = (
        Member.objects.filter(user=user, town=town, household__isnull=False)
        .select_related("household", "household__neighbourhood")
        .first()
    )
    if member is None:
        raise Http404
    return member


def actions_logged_for(member: Member) -> QuerySet[AssistedAction]:
    """What ambassadors logged for the member's household, for it to check."""
    return (
        AssistedAction.objects.filter(household_id=member.household_id)
        .select_related("action_type")
        .order_by("-occurred_at", "-pk")
    )


def access_logged_action(member: Member, action_id: int) -> AssistedAction:
    action = actions_logged_for(member).filter(pk=action_id).first()
    if action is None:
        raise Http404
    return action


def active_consents(member: Member) -> QuerySet[ConsentRecord]:
    return (
        ConsentRecord.objects.filter(
            Q(household_id=member.household_id) | Q(member=member),
            withdrawn_at__isnull=True,
        )
        .select_related("text")
        .order_by("-given_at")
    )

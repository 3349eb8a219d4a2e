"""Reads that check who may see what."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404

from community.models import Household, Member, Neighbourhood, TownPage


def member_of(user: User | AnonymousUser) -> Member | None:
    """The member profile of a signed-in user, or None."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).select_related("household").first()


def access_household_by_public_id(
    user: User | AnonymousUser, town: TownPage, public_id: str
) -> Household:
    """A household's private page: only its own members may read it.

    Anyone else gets the same 404 as for an unknown id, so that the page does not
    reveal which ids exist.
    """
    member = member_of(user)
    if member is None or member.town_id != town.pk:
        raise Http404
    household = (
        Household.objects.select_related("neighbourhood")
        .filter(public_id=public_id, neighbourhood__town=town)
        .first()
    )
    if household is None or member.household_id != household.pk:
        raise Http404
    return household


def household_members(household: Household) -> QuerySet[Member]:
    return household.members.order_by("display_name")


def town_neighbourhoods(town: TownPage) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(town=town).order_by("name")

"""Reads of localshops: the directory, a business's page, the season, and the
receipts, which only their household and the town's moderators may open."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404

from challenges.models import Reward
from challenges.queries import town_rewards
from community import roles
from community.models import Household, Member, TownPage
from localshops.models import (
    LocalBusiness,
    LocalPurchase,
    Produce,
    month_bit,
)

# Pins of the map page at most (a town has dozens of businesses, not thousands).
MAX_MAP_BUSINESSES = 500


def active_businesses(town: TownPage) -> QuerySet[LocalBusiness]:
    """The town's businesses shown in the directory, by name."""
    return LocalBusiness.objects.filter(town=town, active=True).order_by("name", "pk")


def directory(
    town: TownPage,
    *,
    kind: str = "",
    rewards: bool = False,
    produce: Produce | None = None,
) -> QuerySet[LocalBusiness]:
    """The directory's filtered businesses, with their produce (one more query)."""
    businesses = active_businesses(town)
    if kind:
        businesses = businesses.filter(kind=kind)
    if rewards:
        businesses = businesses.filter(reward_shop__isnull=False)
    if produce is not None:
        businesses = businesses.filter(products=produce)
    return businesses.prefetch_related(
        Prefetch("products", queryset=Produce.objects.order_by("name"))
    )


def town_produce(town: TownPage) -> QuerySet[Produce]:
    return Produce.objects.filter(town=town).order_by("name")


def access_business(town: TownPage, business_id: int) -> LocalBusiness:
    """An active business of this town, or 404 (another town's too)."""
    business = (
        active_businesses(town)
        .filter(pk=business_id)
        .prefetch_related(
            Prefetch("products", queryset=Produce.objects.order_by("name"))
        )
        .first()
    )
    if business is None:
        raise Http404
    return business


def business_rewards(town: TownPage, business: LocalBusiness) -> list[Reward]:
    """The programme's offers the business takes today (none if it takes none)."""
    if business.reward_shop_id is None:
        return []
    return list(town_rewards(town).filter(shop_id=business.reward_shop_id))


def in_season(town: TownPage, month: int) -> list[Produce]:
    """The produce of `month` with the active businesses that have it (two
    queries whatever the length), by category then name."""
    return list(
        Produce.objects.filter(town=town)
        .alias(in_month=F("months").bitand(month_bit(month)))
        .filter(in_month__gt=0)
        .order_by("category", "name")
        .prefetch_related(
            Prefetch(
                "businesses",
                queryset=LocalBusiness.objects.filter(active=True).order_by("name"),
            )
        )
    )


def recent_purchases(household: Household, limit: int = 10) -> list[LocalPurchase]:
    """The household's last local purchases, newest first."""
    return list(LocalPurchase.objects.filter(household=household)[:limit])


def may_see_receipt(
    user: User | AnonymousUser, viewer: Member | None, purchase: LocalPurchase
) -> bool:
    """The household that bought, or a moderator of its town."""
    if (
        viewer is not None
        and viewer.household_id is not None
        and viewer.household_id == purchase.household_id
    ):
        return True
    return roles.is_moderator(user, purchase.town_id)


def access_receipt(
    user: User | AnonymousUser, viewer: Member | None, town: TownPage, pk: int
) -> LocalPurchase:
    """A purchase of this town whose receipt the user may see, or 404 (never
    403: whether a purchase exists is private too)."""
    purchase = LocalPurchase.objects.filter(pk=pk, town=town).first()
    if (
        purchase is None
        or not purchase.receipt
        or not may_see_receipt(user, viewer, purchase)
    ):
        raise Http404
    return purchase

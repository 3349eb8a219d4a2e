"""Reads that check who may see what."""

from django.contrib.auth.models import AnonymousUser, Permission, User
from django.db.models import Q, QuerySet
from django.http import Http404

from community.models import Household, Member, Neighbourhood, TownPage

# The member is remembered on the user object, which lives as long as one
# request (or one websocket connection): the context processor, the view's
# access check and the templates all ask, and only the first asks the database.
_MEMBER_ATTR = "_smartcitizen_member"

# The permissions the site's navigation shows links for (templates/base.html).
NAV_PERMISSIONS = {
    "ambassador_tour": ("ambassadors", "doorstep"),
    "admin": ("wagtailadmin", "access_admin"),
}


def member_of(user: User | AnonymousUser) -> Member | None:
    """The member profile of a signed-in user, or None (one query per request)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, _MEMBER_ATTR):
        member = (
            Member.objects.filter(user=user)
            .select_related("household__neighbourhood")
            .first()
        )
        setattr(user, _MEMBER_ATTR, member)
    return getattr(user, _MEMBER_ATTR)


def nav_permissions(user: User | AnonymousUser) -> dict[str, bool]:
    """Which permission-gated links of the navigation the user gets.

    The same answer as `user.has_perm` with the model backend (active users
    only, superusers everything), in one query for the two permissions the
    navigation needs, where `{{ perms }}` loads every permission of the user
    and of their groups on each page.
    """
    if not user.is_authenticated or not user.is_active:
        return dict.fromkeys(NAV_PERMISSIONS, False)
    if user.is_superuser:
        return dict.fromkeys(NAV_PERMISSIONS, True)
    wanted = Q()
    for app_label, codename in NAV_PERMISSIONS.values():
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    held = set(
        Permission.objects.filter(wanted)
        .filter(Q(user=user) | Q(group__user=user))
        .values_list("content_type__app_label", "codename")
        .order_by()
        .distinct()
    )
    return {name: perm in held for name, perm in NAV_PERMISSIONS.items()}


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

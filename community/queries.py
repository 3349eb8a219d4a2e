"""Reads that check who may see what."""

from itertools import chain

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from community.models import (
    Household,
    Member,
    Neighbourhood,
    Role,
    TownPage,
    TownRole,
)
from community.roles import town_roles

# The member is remembered on the user object, which lives as long as one
# request (or one websocket connection): the context processor, the view's
# access check and the templates all ask, and only the first asks the database.
_MEMBER_ATTR = "_smartcitizen_member"

# The permissions the site's navigation shows links for (templates/base.html).
NAV_PERMISSIONS = {
    "ambassador_tour": ("ambassadors", "doorstep"),
    "admin": ("wagtailadmin", "access_admin"),
}
# The role a link also needs in the request's town (roles are per town: the
# tour of this town is for this town's ambassadors).
NAV_TOWN_ROLES = {"ambassador_tour": Role.AMBASSADOR}


# What the member is read with (here, and with the user by
# community.auth): the town too, so that its settings
# (community.towns.policy) cost no query.
MEMBER_RELATED = ("household__neighbourhood", "town")


def member_of(user: User | AnonymousUser) -> Member | None:
    """The member profile of a signed-in user, or None (one query per request,
    none when community.auth read it with the user)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, _MEMBER_ATTR):
        member = (
            Member.objects.filter(user=user).select_related(*MEMBER_RELATED).first()
        )
        setattr(user, _MEMBER_ATTR, member)
    return getattr(user, _MEMBER_ATTR)


def remember_member(user: User, member: Member | None) -> None:
    """The user's member, read already: what `member_of` answers for them."""
    setattr(user, _MEMBER_ATTR, member)


def nav_permissions(
    user: User | AnonymousUser, town: TownPage | None = None
) -> dict[str, bool]:
    """Which permission-gated links of the navigation the user gets in a town.

    The permission as `user.has_perm` answers it with the model backend
    (active users only, superusers everything, a permission held directly or
    through a group) and, for a link in `NAV_TOWN_ROLES`, the role held in
    this town, in one query for what the navigation needs, where `{{ perms }}`
    loads every permission of the user and of their groups on each page.
    """
    if not user.is_authenticated or not user.is_active:
        return dict.fromkeys(NAV_PERMISSIONS, False)
    if user.is_superuser:
        return dict.fromkeys(NAV_PERMISSIONS, True)
    held_anywhere = getattr(user, _NAV_HELD_ATTR, None)
    if held_anywhere is not None:
        # Read with the user (community.auth): the roles of this town from
        # `roles.town_roles`, read with the user too.
        in_town = town_roles(user).get(town.pk, ()) if town is not None else ()
        held = held_anywhere | {(_ROLE, role) for role in in_town}
        return _nav_answer(held)
    with connection.cursor() as cursor:
        cursor.execute(
            _NAV_PERMISSIONS_SQL,
            [
                *chain.from_iterable(NAV_PERMISSIONS.values()),
                user.pk,
                user.pk,
                user.pk,
                town.pk if town is not None else None,
            ],
        )
        held = set(cursor.fetchall())
    return _nav_answer(held)


def _nav_answer(held: set[tuple[str, str]]) -> dict[str, bool]:
    return {
        name: perm in held
        and (name not in NAV_TOWN_ROLES or (_ROLE, NAV_TOWN_ROLES[name]) in held)
        for name, perm in NAV_PERMISSIONS.items()
    }


# The rows of the town's roles in the query's answer: (_ROLE, role).
_ROLE = "town_role"


_NAV_TABLES = {
    "permission": Permission._meta.db_table,
    "content_type": ContentType._meta.db_table,
    "user_permissions": User.user_permissions.through._meta.db_table,
    "group_permissions": Group.permissions.through._meta.db_table,
    "user_groups": User.groups.through._meta.db_table,
    "town_role": TownRole._meta.db_table,
}


def _nav_held_sql(user_id_sql: str) -> str:
    """The navigation's permissions the user `user_id_sql` holds, directly or
    through a group: FROM and WHERE of a select of `ct` and `p`, with the
    (app_label, codename) pairs of NAV_PERMISSIONS as parameters."""
    tables = _NAV_TABLES
    wanted = " OR ".join(
        ["(ct.app_label = %s AND p.codename = %s)"] * len(NAV_PERMISSIONS)
    )
    return f"""
FROM "{tables["permission"]}" p
JOIN "{tables["content_type"]}" ct ON ct.id = p.content_type_id
WHERE ({wanted})
  AND (
    p.id IN (SELECT up.permission_id FROM "{tables["user_permissions"]}" up
             WHERE up.user_id = {user_id_sql})
    OR p.id IN (SELECT gp.permission_id FROM "{tables["group_permissions"]}" gp
                JOIN "{tables["user_groups"]}" ug ON ug.group_id = gp.group_id
                WHERE ug.user_id = {user_id_sql})
  )"""  # noqa: S608 (table names from the models, values as parameters)


def _nav_permissions_sql() -> str:
    tables = _NAV_TABLES
    return f"""
SELECT ct.app_label, p.codename {_nav_held_sql("%s")}
UNION
SELECT '{_ROLE}', tr.role
FROM "{tables["town_role"]}" tr
JOIN "{tables["user_groups"]}" ug ON ug.group_id = tr.group_id
WHERE ug.user_id = %s AND tr.town_id = %s
"""  # noqa: S608 (table names from the models, values as parameters)


# Written out rather than built by the ORM on every page: building the join
# cost about 1.5 ms of CPU per page, more than running it.
_NAV_PERMISSIONS_SQL = _nav_permissions_sql()

# The navigation's permissions the user holds (directly or through a group),
# read with the user by community.auth: {(app_label, codename)}.
_NAV_HELD_ATTR = "_smartcitizen_nav_held"


def nav_permissions_column(user_id_sql: str) -> tuple[str, list[str]]:
    """A scalar subquery, and its parameters, answering the navigation's
    permissions held by the user `user_id_sql` as a JSON list of
    [app_label, codename] (NULL for none): community.auth reads it with the
    user, and `remember_nav_permissions` keeps it for `nav_permissions`."""
    sql = (
        "(SELECT json_agg(json_build_array(ct.app_label, p.codename))::text"
        f" {_nav_held_sql(user_id_sql)})"
    )
    return sql, list(chain.from_iterable(NAV_PERMISSIONS.values()))


def remember_nav_permissions(user: User, held: list[list[str]] | None) -> None:
    """The navigation's permissions the user holds, read with the user."""
    setattr(user, _NAV_HELD_ATTR, {tuple(pair) for pair in held or ()})


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

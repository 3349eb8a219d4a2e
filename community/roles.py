"""Who holds which role in which town.

A role (`Role`: moderator, ambassador, town service staff, town administrator)
is held in a town: `TownRole` ties the town and the role to a group of its own,
and holding the role is being in that group. Every holder of a role is also in
the role's deployment-wide group below, which carries the role's model
permissions (what kind of thing they may do in the admin); the town's group
carries the page permissions on the town's tree, its collection and its review
workflow (where they may do it). Residents are one deployment-wide group.

Reads here cost one query per user object (kept on it); writes are in
`community/actions.py` (`do_grant_role`, `do_revoke_role`, `do_setup_town_roles`).
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from community.models import Role, TownPage, TownRole

RESIDENT = "Résidents"
AMBASSADOR = "Ambassadeurs"
MODERATOR = "Modérateurs"
SERVICE = "Services de la commune"
TOWN_ADMIN = "Administrateurs de commune"
ALL = (RESIDENT, AMBASSADOR, MODERATOR, SERVICE, TOWN_ADMIN)

# The deployment-wide group of each role.
ROLE_GROUPS = {
    Role.MODERATOR: MODERATOR,
    Role.AMBASSADOR: AMBASSADOR,
    Role.SERVICE: SERVICE,
    Role.TOWN_ADMIN: TOWN_ADMIN,
}
# The roles that run a town from the admin; a superuser holds them in every town
# (not the ambassador's, which is a person's work on the doorstep).
STAFF = (Role.MODERATOR, Role.SERVICE, Role.TOWN_ADMIN)

_CACHE = "_smartcitizen_town_roles"


def town_roles(user: User | AnonymousUser) -> dict[int, frozenset[str]]:
    """{town id: the roles the user holds there}, one query per user object."""
    if not user.is_authenticated:
        return {}
    held = getattr(user, _CACHE, None)
    if held is None:
        pairs: dict[int, set[str]] = {}
        for town_id, role in TownRole.objects.filter(group__user=user).values_list(
            "town_id", "role"
        ):
            pairs.setdefault(town_id, set()).add(role)
        held = {town_id: frozenset(roles) for town_id, roles in pairs.items()}
        setattr(user, _CACHE, held)
    return held


def town_roles_column(user_id_sql: str) -> str:
    """A scalar subquery answering the user's (`user_id_sql`) roles as a JSON
    list of [town id, role] (NULL for none): community.auth reads it with the
    user, and `remember` keeps it for `town_roles`."""
    town_role = TownRole._meta.db_table
    user_groups = User.groups.through._meta.db_table
    return f"""(
SELECT json_agg(json_build_array(tr.town_id, tr.role))::text
FROM "{town_role}" tr JOIN "{user_groups}" ug ON ug.group_id = tr.group_id
WHERE ug.user_id = {user_id_sql})"""  # noqa: S608 (table names from the models)


def remember(user: User, pairs: Iterable[Iterable] | None) -> None:
    """What `town_roles` answers for this user object, read with the user."""
    held: dict[int, set[str]] = {}
    for town_id, role in pairs or ():
        held.setdefault(town_id, set()).add(role)
    setattr(user, _CACHE, {town_id: frozenset(r) for town_id, r in held.items()})


def forget(user: User) -> None:
    """Drop what `town_roles` kept on this user object (after a grant or revoke)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def _town_id(town: TownPage | int | None) -> int | None:
    return town if town is None or isinstance(town, int) else town.pk


def has_role(user: User | AnonymousUser, town: TownPage | int | None, *roles) -> bool:
    """Does the user hold one of these roles in this town? A superuser holds
    every staff role everywhere; no town (None) means no role."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and any(role in STAFF for role in roles):
        return True
    town_id = _town_id(town)
    if town_id is None:
        return False
    return bool(town_roles(user).get(town_id, frozenset()).intersection(roles))


def is_moderator(user: User | AnonymousUser, town: TownPage | int | None) -> bool:
    """A moderator (or the administrator) of this town, or a superuser."""
    return has_role(user, town, Role.MODERATOR, Role.TOWN_ADMIN)


def is_ambassador(user: User | AnonymousUser, town: TownPage | int | None) -> bool:
    return has_role(user, town, Role.AMBASSADOR)


def holds_anywhere(user: User | AnonymousUser, *roles) -> bool:
    """One of these roles in at least one town (a superuser: any staff role)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and any(role in STAFF for role in roles):
        return True
    return any(held.intersection(roles) for held in town_roles(user).values())


def town_ids_where(user: User | AnonymousUser, *roles) -> frozenset[int]:
    """The towns where the user holds one of these roles (a superuser: every
    town for a staff role). Empty for anyone else: filter with it, never
    treat empty as "no filter"."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser and any(role in STAFF for role in roles):
        return frozenset(TownPage.objects.values_list("pk", flat=True))
    return frozenset(
        town_id
        for town_id, held in town_roles(user).items()
        if held.intersection(roles)
    )


def scope_to_towns(
    queryset: QuerySet,
    user: User | AnonymousUser,
    field: str = "town",
    roles: Iterable[str] = (Role.MODERATOR, Role.TOWN_ADMIN),
) -> QuerySet:
    """The rows of the towns where the user holds one of `roles`: all of them
    for a superuser (no extra condition), none for anyone else without one."""
    roles = tuple(roles)
    if user.is_authenticated and user.is_superuser and any(r in STAFF for r in roles):
        return queryset
    return queryset.filter(**{f"{field}__in": town_ids_where(user, *roles)})

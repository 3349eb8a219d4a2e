"""The stream registry: which stream kinds exist and who may read each.

Each kind registers one function `can_read(user, object_id) -> bool`. The function
runs synchronously (the consumer calls it through `database_sync_to_async`), gets
an authenticated user, and answers False for an object that does not exist, so
that a refusal never tells whether an id is taken.

Kinds that belong to apps not written yet (`challenge`, `room`, `dm`,
`leaderboard`) stay unregistered, and subscribing to them answers
`unknown_stream`. Their app registers them from its `AppConfig.ready()`:

    from realtime import groups, streams
    streams.register(groups.ROOM, feeds.queries.can_read_room)
"""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured

from realtime import groups

ReadCheck = Callable[[User, int], bool]

_registry: dict[str, ReadCheck] = {}


def register(kind: str, can_read: ReadCheck) -> None:
    """Declare who may read the streams of one kind.

    Registering the same function twice is harmless (`ready()` may run twice in
    tests); a second, different function for a kind is a configuration error
    rather than a silent override of someone's permission check.
    """
    if kind not in groups.KINDS:
        raise ImproperlyConfigured(f"Unknown real-time stream kind {kind!r}.")
    current = _registry.get(kind)
    if current is not None and current is not can_read:
        raise ImproperlyConfigured(
            f"Real-time stream kind {kind!r} is already registered by {current!r}."
        )
    _registry[kind] = can_read


def unregister(kind: str) -> None:
    """Forget a kind (for tests of the registry itself)."""
    _registry.pop(kind, None)


def read_check(kind: str) -> ReadCheck | None:
    """The permission check of a kind, or None when no app serves it."""
    return _registry.get(kind)


def registered_kinds() -> frozenset[str]:
    return frozenset(_registry)


# The checks import models when called: this module is imported by other apps'
# AppConfig.ready() and must not need the app registry at import time.


def can_read_town(user: User, town_id: int) -> bool:
    """A town's stream: the members of that town."""
    from community.models import Member

    return Member.objects.filter(user=user, town_id=town_id).exists()


def can_read_town_or_staff(user: User, town_id: int) -> bool:
    """A town's public-space streams (reports, sensors): its members and its
    staff (the town's services may hold no member profile there)."""
    from community import roles

    return roles.has_role(user, town_id, *roles.STAFF) or can_read_town(user, town_id)


def can_read_neighbourhood(user: User, neighbourhood_id: int) -> bool:
    """A neighbourhood's stream: every member of the neighbourhood's town.

    Neighbourhood feeds are public to the whole town (any resident may read what
    is posted in another neighbourhood, as on the page); the private place of a
    neighbourhood is its chat room, a `room:` stream.
    """
    from community.models import Member, Neighbourhood

    town_ids = Member.objects.filter(user=user).values("town_id")
    return Neighbourhood.objects.filter(
        pk=neighbourhood_id, town_id__in=town_ids
    ).exists()


def can_read_user(user: User, user_id: int) -> bool:
    """A user's private stream (notifications): that user only."""
    return user.pk == user_id


def register_builtin_streams() -> None:
    """Register the kinds whose objects exist today (called from `ready()`)."""
    register(groups.TOWN, can_read_town)
    register(groups.NEIGHBOURHOOD, can_read_neighbourhood)
    register(groups.USER, can_read_user)

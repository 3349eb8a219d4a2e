"""The signed-in user and their member profile read in one query.

Django's AuthenticationMiddleware reads the user (one query), then every page
reads the member (`community.queries.member_of`: a second query, with its
household, neighbourhood and town). `MemberAuthenticationMiddleware` is
Django's, except that a user signed in through `ModelBackend` (every login of
the site: axes' backend only refuses) is read joined to the member, which
`member_of` then finds remembered on the user. The checks are Django's own
(`django.contrib.auth.get_user`, Django 5.2): the backend recorded in the
session must still be configured, the user active (`user_can_authenticate`),
the session's hash that of the current password, or of a fallback secret
(the session then moves to the current one), else the session is flushed.
The user's roles in every town (`community.roles.town_roles`) and the
navigation's permissions (`community.queries.nav_permissions`) are read by
the same query, as scalar subqueries, and kept on the user object as those
functions keep what they read.
"""

import json
from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware, auser
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from community import roles
from community.models import Household, Member, Neighbourhood
from community.queries import (
    member_of,
    nav_permissions_column,
    remember_member,
    remember_nav_permissions,
)
from community.roles import town_roles_column
from community.rows import field_converters
from community.towns import town_for_request

_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _columns(alias: str, model) -> str:
    return ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields)


# Written out (as community/towns.py): the ORM spent more CPU building the
# joined query and its objects than the database spent running it.
# The user's roles in every town and the navigation's permissions ride along
# (community.roles, community.queries): two queries fewer on each page.
# On PostgreSQL only (JSON built by the database); `make run`'s SQLite reads
# them on first use, as before.
_NAV_COLUMN, _NAV_PARAMS = nav_permissions_column("u.id")
_RIDING = f"""{town_roles_column("u.id")}, {_NAV_COLUMN}"""
_USER_SQL = f"""
SELECT {_columns("u", User)}, {_columns("m", Member)},
  {_columns("h", Household)}, {_columns("n", Neighbourhood)}{{riding}}
FROM "{User._meta.db_table}" u
LEFT JOIN "{Member._meta.db_table}" m ON m.user_id = u.id
LEFT JOIN "{Household._meta.db_table}" h ON h.id = m.household_id
LEFT JOIN "{Neighbourhood._meta.db_table}" n ON n.id = h.neighbourhood_id
WHERE u.id = %s
"""  # noqa: S608 (names from the models, values as parameters)
_USER_RIDING_SQL = _USER_SQL.format(riding=f",\n  {_RIDING}")
_USER_ALONE_SQL = _USER_SQL.format(riding="")


def _converters(connection, fields) -> list:
    return field_converters(fields, connection)


_CONVERTERS: dict[str, list] = {}
_MODELS = (User, Member, Household, Neighbourhood)


def _objects(connection, row) -> list:
    """The row's User, Member, Household and Neighbourhood (None where absent)."""
    converters = _CONVERTERS.get(connection.alias)
    if converters is None:
        fields = [f for model in _MODELS for f in model._meta.concrete_fields]
        converters = _CONVERTERS[connection.alias] = _converters(connection, fields)
    objects = []
    position = 0
    for model in _MODELS:
        fields = model._meta.concrete_fields
        values = list(row[position : position + len(fields)])
        if values[0] is None:
            objects.append(None)
        else:
            for index, field in enumerate(fields):
                expression = None
                for converter in converters[position + index]:
                    if expression is None:
                        expression = field.get_col(model._meta.db_table)
                    values[index] = converter(values[index], expression, connection)
            objects.append(
                model.from_db(connection.alias, [f.attname for f in fields], values)
            )
        position += len(fields)
    return objects


class _MemberModelBackend(ModelBackend):
    def get_user(self, user_id):
        connection = connections[router.db_for_read(User)]
        with connection.cursor() as cursor:
            riding = connection.vendor == "postgresql"
            if riding:
                cursor.execute(_USER_RIDING_SQL, [*_NAV_PARAMS, user_id])
            else:
                cursor.execute(_USER_ALONE_SQL, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        if riding:
            *row, town_roles, nav_held = row
        user, member, household, neighbourhood = _objects(connection, row)
        if not self.user_can_authenticate(user):
            return None
        # As select_related("member__household__neighbourhood") caches them.
        User.member.related.set_cached_value(user, member)
        if member is not None:
            Member.user.field.set_cached_value(member, user)
            Member.household.field.set_cached_value(member, household)
            if household is not None:
                Household.neighbourhood.field.set_cached_value(household, neighbourhood)
        remember_member(user, member)
        if riding:
            roles.remember(user, json.loads(town_roles) if town_roles else None)
            remember_nav_permissions(user, json.loads(nav_held) if nav_held else None)
        return user


_BACKEND = _MemberModelBackend()


def get_user(request: HttpRequest):
    """`django.contrib.auth.get_user`, the member read with a ModelBackend user."""
    user = None
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            if backend_path == _MODEL_BACKEND:
                backend = _BACKEND
            else:
                backend = load_backend(backend_path)
            user = backend.get_user(user_id)
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                if not session_hash:
                    verified = False
                else:
                    session_auth_hash = user.get_session_auth_hash()
                    verified = constant_time_compare(session_hash, session_auth_hash)
                if not verified:
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback)
                        for fallback in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None
    if user is not None:
        _with_town(request, user)
    return user or AnonymousUser()


def _with_town(request: HttpRequest, user) -> None:
    """The member's town is the request's (read once per process,
    community/towns.py) when they are the same: no join, no query."""
    member = member_of(user)
    if member is None or Member.town.field.is_cached(member):
        return
    town = town_for_request(request)
    if town is not None and town.pk == member.town_id:
        Member.town.field.set_cached_value(member, town)


def _cached_user(request: HttpRequest):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


class MemberAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with the member read with the user."""

    def process_request(self, request: HttpRequest) -> None:
        if not hasattr(request, "session"):
            raise ImproperlyConfigured(
                "MemberAuthenticationMiddleware needs SessionMiddleware before it."
            )
        request.user = SimpleLazyObject(lambda: _cached_user(request))
        request.auser = partial(auser, request)

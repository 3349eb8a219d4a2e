"""The navigation's permission-gated links: `nav_permissions` (one written-out
query) gives `user.has_perm`'s answer, a permission held directly or through a
group, and a change shows on the next page; the tour's link also needs the
ambassador's role in the request's town."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import roles
from community.models import Role
from community.queries import NAV_PERMISSIONS, nav_permissions
from tests.factories import grant, make_member, make_staff

pytestmark = pytest.mark.django_db


def perm(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def has_perm_answer(user) -> dict[str, bool]:
    user = type(user).objects.get(pk=user.pk)  # no permission cache
    return {
        name: user.has_perm(f"{app_label}.{codename}")
        for name, (app_label, codename) in NAV_PERMISSIONS.items()
    }


def test_held_directly_or_through_a_group_shows_at_once(town, neighbourhood):
    user = make_member(town, neighbourhood=neighbourhood, display_name="Lou").user
    client = Client()
    client.force_login(user)

    def admin_link() -> bool:
        return 'href="/admin/"' in client.get(reverse("feeds:town")).content.decode()

    assert not admin_link()
    assert (
        nav_permissions(user)
        == has_perm_answer(user)
        == dict.fromkeys(NAV_PERMISSIONS, False)
    )
    user.user_permissions.add(perm("wagtailadmin", "access_admin"))
    assert admin_link()
    with CaptureQueriesContext(connection) as queries:
        held = nav_permissions(user)
    assert len(queries.captured_queries) == 1
    assert held == has_perm_answer(user)
    assert held["admin"]
    user.user_permissions.clear()
    assert not admin_link()

    crew = Group.objects.create(name="Équipe de test")
    crew.permissions.add(perm("ambassadors", "doorstep"))
    user.groups.add(crew)
    # The permission without the role in this town: no tour.
    assert has_perm_answer(user)["ambassador_tour"]
    assert not nav_permissions(user, town)["ambassador_tour"]
    grant(user, town, Role.AMBASSADOR)
    with CaptureQueriesContext(connection) as queries:
        assert nav_permissions(user, town)["ambassador_tour"]
    assert len(queries.captured_queries) == 1
    crew.permissions.clear()
    Group.objects.get(name=roles.AMBASSADOR).permissions.remove(
        perm("ambassadors", "doorstep")
    )
    assert nav_permissions(user, town) == has_perm_answer(user)
    assert not nav_permissions(user, town)["ambassador_tour"]


@pytest.mark.parametrize("role", [roles.AMBASSADOR, roles.MODERATOR])
def test_the_roles_groups(town, role):
    user = make_staff(town, role)
    assert nav_permissions(user, town) == has_perm_answer(user)

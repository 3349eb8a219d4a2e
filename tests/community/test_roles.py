"""The roles of each town: who holds what (community.roles), and the admin
page where superusers and town administrators grant and revoke them."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import roles
from community.actions import do_grant_role, do_revoke_role
from community.models import Role
from community.queries import nav_permissions
from tests.factories import (
    PASSWORD,
    NeighbourhoodFactory,
    grant,
    make_member,
    make_staff,
    make_town,
)

pytestmark = pytest.mark.django_db

ROLES_URL = "community_roles"


@pytest.fixture
def genlis():
    return make_town("Genlis")


@pytest.fixture
def auxonne():
    return make_town("Auxonne", hostname="auxonne.test")


def account(email: str) -> User:
    return User.objects.create_user(username=email, email=email, password=PASSWORD)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def grant_url(town) -> str:
    return reverse("community_roles_grant", args=[town.pk])


def revoke_url(town) -> str:
    return reverse("community_roles_revoke", args=[town.pk])


# --- community.roles ----------------------------------------------------------


def test_roles_are_held_town_by_town(genlis, auxonne):
    user = account("claire@example.org")
    do_grant_role(user, genlis, Role.MODERATOR)
    do_grant_role(user, auxonne, Role.AMBASSADOR)
    user = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert roles.is_moderator(user, genlis) and not roles.is_moderator(
            user, auxonne
        )
        assert roles.is_ambassador(user, auxonne.pk)
        assert not roles.is_ambassador(user, genlis)
        assert roles.town_ids_where(user, Role.MODERATOR) == {genlis.pk}
        assert roles.holds_anywhere(user, Role.AMBASSADOR)
    assert len(queries.captured_queries) == 1
    do_revoke_role(user, genlis, Role.MODERATOR)
    assert not roles.is_moderator(user, genlis)
    assert not user.groups.filter(name=roles.MODERATOR).exists()
    assert user.groups.filter(name=roles.AMBASSADOR).exists()


def test_the_tour_link_shows_in_the_towns_the_ambassador_serves(genlis, auxonne):
    user = make_staff(genlis, Role.AMBASSADOR)
    with CaptureQueriesContext(connection) as queries:
        assert nav_permissions(user, genlis)["ambassador_tour"]
    assert len(queries.captured_queries) == 1
    assert not nav_permissions(user, auxonne)["ambassador_tour"]
    assert not nav_permissions(user, None)["ambassador_tour"]
    grant(user, auxonne, Role.AMBASSADOR)
    assert nav_permissions(user, auxonne)["ambassador_tour"]


# --- the admin page -----------------------------------------------------------


def test_a_superuser_grants_and_revokes_in_every_town(genlis, auxonne):
    boss = User.objects.create_superuser("boss@example.org", "boss@example.org", "x")
    claire = account("claire@example.org")
    client = logged_in(boss)
    page = client.get(reverse(ROLES_URL))
    assert page.status_code == 200
    assert "Genlis" in page.text and "Auxonne" in page.text
    response = client.post(
        grant_url(auxonne), {"email": "CLAIRE@example.org", "role": Role.MODERATOR}
    )
    assert response.status_code == 302
    assert response.url == f"{reverse(ROLES_URL)}?commune={auxonne.pk}"
    claire = User.objects.get(pk=claire.pk)
    assert roles.is_moderator(claire, auxonne) and not roles.is_moderator(
        claire, genlis
    )
    listing = client.get(response.url)
    assert "claire@example.org" in listing.text
    assert "est désormais modérateur de Auxonne" in listing.text
    assert (
        client.get(f"{reverse(ROLES_URL)}?commune={genlis.pk}").text.count(
            "claire@example.org"
        )
        == 0
    )

    response = client.post(
        revoke_url(auxonne), {"user": claire.pk, "role": Role.MODERATOR}
    )
    assert response.status_code == 302
    assert not roles.is_moderator(User.objects.get(pk=claire.pk), auxonne)


def test_an_unknown_address_is_told_and_changes_nothing(genlis):
    boss = User.objects.create_superuser("boss@example.org", "boss@example.org", "x")
    client = logged_in(boss)
    response = client.post(
        grant_url(genlis),
        {"email": "personne@example.org", "role": Role.MODERATOR},
        follow=True,
    )
    assert response.status_code == 200
    assert "Aucun compte n&#x27;existe avec l&#x27;adresse personne@example.org" in (
        response.text
    )
    assert not User.objects.filter(email="personne@example.org").exists()
    response = client.post(
        grant_url(genlis), {"email": "pas une adresse", "role": "pape"}, follow=True
    )
    assert response.status_code == 200
    assert not User.objects.filter(groups__town_role__town=genlis).exists()


def test_a_town_admin_manages_their_town_only(genlis, auxonne):
    admin = make_staff(genlis, Role.TOWN_ADMIN)
    claire = account("claire@example.org")
    client = logged_in(admin)
    # The menu's « Rôles » item, under Settings.
    assert reverse(ROLES_URL) in client.get(reverse("wagtailadmin_home")).text
    page = client.get(reverse(ROLES_URL))
    assert page.status_code == 200
    assert "Genlis" in page.text and "Auxonne" not in page.text
    assert client.get(f"{reverse(ROLES_URL)}?commune={auxonne.pk}").status_code == 404
    data = {"email": claire.email, "role": Role.AMBASSADOR}
    assert client.post(grant_url(auxonne), data).status_code == 404
    assert not roles.holds_anywhere(User.objects.get(pk=claire.pk), Role.AMBASSADOR)
    assert client.post(grant_url(genlis), data).status_code == 302
    assert roles.is_ambassador(User.objects.get(pk=claire.pk), genlis)

    theirs = make_staff(auxonne, Role.MODERATOR)
    response = client.post(
        revoke_url(auxonne), {"user": theirs.pk, "role": Role.MODERATOR}
    )
    assert response.status_code == 404
    assert roles.is_moderator(User.objects.get(pk=theirs.pk), auxonne)


def test_a_moderator_or_a_resident_may_not_manage_roles(genlis):
    moderator = make_staff(genlis, Role.MODERATOR)
    resident = make_member(genlis, neighbourhood=NeighbourhoodFactory(town=genlis)).user
    claire = account("claire@example.org")
    for user in (moderator, resident):
        client = logged_in(user)
        assert client.get(reverse(ROLES_URL)).status_code in (302, 403)
        response = client.post(
            grant_url(genlis), {"email": claire.email, "role": Role.TOWN_ADMIN}
        )
        assert response.status_code in (302, 403)
        response = client.post(
            revoke_url(genlis), {"user": moderator.pk, "role": Role.MODERATOR}
        )
        assert response.status_code in (302, 403)
    assert not roles.holds_anywhere(User.objects.get(pk=claire.pk), Role.TOWN_ADMIN)
    assert roles.is_moderator(User.objects.get(pk=moderator.pk), genlis)
    moderator_client = logged_in(moderator)
    assert moderator_client.get(reverse(ROLES_URL)).status_code == 403
    admin_home = moderator_client.get(reverse("wagtailadmin_home")).text
    assert reverse(ROLES_URL) not in admin_home


def test_the_form_needs_the_csrf_token(genlis):
    boss = User.objects.create_superuser("boss@example.org", "boss@example.org", "x")
    claire = account("claire@example.org")
    client = Client(enforce_csrf_checks=True)
    client.force_login(boss)
    page = client.get(reverse(ROLES_URL))
    assert 'name="csrfmiddlewaretoken"' in page.text
    response = client.post(
        grant_url(genlis), {"email": claire.email, "role": Role.MODERATOR}
    )
    assert response.status_code == 403
    assert not roles.holds_anywhere(User.objects.get(pk=claire.pk), Role.MODERATOR)


def test_the_list_is_paginated_with_a_bounded_number_of_queries(genlis):
    boss = User.objects.create_superuser("boss@example.org", "boss@example.org", "x")
    client = logged_in(boss)
    for n in range(3):
        grant(account(f"modo{n}@example.org"), genlis, Role.MODERATOR)
    client.get(reverse(ROLES_URL))  # warm the caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(ROLES_URL)).status_code == 200
    for n in range(3, 60):
        grant(account(f"modo{n}@example.org"), genlis, Role.MODERATOR)
    with CaptureQueriesContext(connection) as many:
        first = client.get(reverse(ROLES_URL))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "Page 1 sur 2" in first.text
    second = client.get(f"{reverse(ROLES_URL)}?commune={genlis.pk}&page=2")
    assert second.text.count("@example.org") < first.text.count("@example.org")


def test_the_page_types_report_is_for_superusers_only(genlis, auxonne):
    """Wagtail's « page types usage » names the last edited page of every town:
    a town's moderator is refused (Wagtail's redirect) and gets no menu link,
    a superuser reads it."""
    moderator = make_staff(genlis, Role.MODERATOR)
    client = Client()
    client.force_login(moderator)
    for url in (
        "/admin/reports/page-types-usage/",
        "/admin/reports/page-types-usage/results/",
    ):
        answer = client.get(url)
        # Wagtail's own refusal: back to the dashboard with a message.
        assert answer.status_code == 302
        assert "page-types-usage" not in answer["Location"]
    assert "page-types-usage" not in client.get("/admin/").content.decode()

    superuser = User.objects.create_superuser("root@example.org", "root@example.org")
    client.force_login(superuser)
    answer = client.get("/admin/reports/page-types-usage/")
    assert answer.status_code == 200
    assert "Auxonne" in answer.content.decode() or "auxonne" in answer.content.decode()
    assert "page-types-usage" in client.get("/admin/").content.decode()

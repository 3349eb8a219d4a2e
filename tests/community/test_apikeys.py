"""API keys in the Wagtail admin (town administrators, their towns only; the
key shown once) and `create_open311_key` / `create_sensor_key`."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from community.apikeys import access_api_key, do_create_api_key
from community.models import ApiKey, ApiKeyPurpose, Role
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

LIST = "community_apikey:list"


@pytest.fixture
def admin_a(town):
    return make_staff(town, Role.TOWN_ADMIN)


def create(client, town, name="Service voirie", purpose="open311"):
    return client.post(
        reverse("community_apikey:add"),
        {"town": town.pk, "purpose": purpose, "name": name},
    )


def test_a_town_admin_creates_a_key_shown_once(client, town, town_b, admin_a):
    client.force_login(admin_a)
    form = client.get(reverse("community_apikey:add")).content.decode()
    assert "Bville" not in form and 'name="purpose"' in form
    response = create(client, town)
    assert response.status_code == 200
    key = ApiKey.objects.get()
    assert (key.town_id, key.purpose, key.name) == (
        town.pk,
        "open311",
        "Service voirie",
    )
    raw = response.context["raw_key"]
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert access_api_key(raw, ApiKeyPurpose.OPEN311) == key
    listing = client.get(reverse(LIST)).content.decode()
    assert "Service voirie" in listing and key.prefix in listing
    assert raw not in listing and key.key_hash not in listing
    edit = client.get(reverse("community_apikey:edit", args=[key.pk])).content.decode()
    assert raw not in edit and key.key_hash not in edit


def test_only_town_admins_of_that_town(client, town, town_b, admin_a):
    mine = do_create_api_key(town, "open311", "À moi")[0]
    theirs = do_create_api_key(town_b, "sensors", "À Bville")[0]
    client.force_login(admin_a)
    listing = client.get(reverse(LIST)).content.decode()
    assert "À moi" in listing and "À Bville" not in listing
    for name in ("edit", "revoke"):
        assert (
            client.get(
                reverse(f"community_apikey:{name}", args=[theirs.pk])
            ).status_code
            == 404
        )
    assert (
        client.post(reverse("community_apikey:revoke", args=[theirs.pk])).status_code
        == 404
    )
    # Another town in the form is refused.
    create(client, town_b, name="Intrus")
    assert not ApiKey.objects.filter(name="Intrus").exists()
    # The chooser creates nothing (a key is only made with its hash).
    chooser = client.post(
        reverse("wagtailsnippetchoosers_community_apikey:create"),
        {"town": town.pk, "purpose": "open311", "name": "Par le sélecteur"},
    )
    assert chooser.status_code < 500
    assert not ApiKey.objects.filter(name="Par le sélecteur").exists()
    # No deletion: revocation only.
    assert client.get(
        reverse("community_apikey:delete", args=[mine.pk])
    ).status_code in (302, 403)
    assert ApiKey.objects.filter(pk=mine.pk).exists()
    for role in (Role.MODERATOR, Role.SERVICE):
        client.force_login(make_staff(town, role))
        response = client.get(reverse(LIST))
        assert response.status_code in (302, 403)
        create(client, town, name="Refusée")
    assert not ApiKey.objects.filter(name="Refusée").exists()


def test_the_list_costs_the_same_queries_for_more_keys(client, town, admin_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_a)
    # The first page of a process reads its town (community/towns.py keeps
    # it); count from the second, as every later page is.
    client.get(reverse(LIST))
    counts = []
    for batch in (2, 6):
        for i in range(batch):
            do_create_api_key(town, "open311", f"Clé {batch}-{i}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(LIST)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_revoke_and_rename(client, town, admin_a):
    key, raw = do_create_api_key(town, "open311", "Appli")
    client.force_login(admin_a)
    assert "Révoquer" in client.get(reverse(LIST)).content.decode()
    page = client.get(reverse("community_apikey:revoke", args=[key.pk]))
    assert "Appli" in page.content.decode()
    assert access_api_key(raw, "open311") is not None
    response = client.post(reverse("community_apikey:revoke", args=[key.pk]))
    assert response.status_code == 302
    assert access_api_key(raw, "open311") is None
    key.refresh_from_db()
    assert key.revoked_at is not None
    client.post(
        reverse("community_apikey:edit", args=[key.pk]),
        {"town": town.pk, "purpose": "sensors", "name": "Appli renommée"},
    )
    key.refresh_from_db()
    assert (key.name, key.purpose) == ("Appli renommée", "open311")


def test_a_superuser_sees_every_town(client, town, town_b):
    do_create_api_key(town, "open311", "Clé A")
    do_create_api_key(town_b, "open311", "Clé B")
    boss = User.objects.create_superuser("boss@example.org", "boss@example.org", "x")
    client.force_login(boss)
    listing = client.get(reverse(LIST)).content.decode()
    assert "Clé A" in listing and "Clé B" in listing
    assert create(client, town_b, name="Clé B2").status_code == 200
    assert ApiKey.objects.get(name="Clé B2").town_id == town_b.pk


@pytest.mark.parametrize(
    ("command", "purpose"),
    [("create_open311_key", "open311"), ("create_sensor_key", "sensors")],
)
def test_commands_print_the_key(town_b, command, purpose):
    out, err = StringIO(), StringIO()
    call_command(command, "--town", "b.test", "Passerelle", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    key = access_api_key(raw, purpose)
    assert key is not None and key.town_id == town_b.pk and key.name == "Passerelle"
    assert "Bville" in err.getvalue()
    with pytest.raises(CommandError):
        call_command(command, "--town", "nulle-part.test", "X", stdout=out, stderr=err)

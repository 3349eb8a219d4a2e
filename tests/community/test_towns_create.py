"""A new town: `manage.py create_town` and the admin's « Nouvelle commune »
make its Site, pages, neighbourhoods, consent texts, settings and roles in one
transaction; the new town serves its own pages on its own hostname."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import Page, Site

from community import roles
from community.actions import do_grant_role
from community.models import ConsentText, Neighbourhood, Role, TownPage, TownRole
from community.privacy import current_consent_text
from tests.factories import PASSWORD, make_staff, make_town

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def hosts(settings) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser(
        "racine@example.org", "racine@example.org", PASSWORD
    )


def counts() -> tuple[int, ...]:
    return (
        Page.objects.count(),
        Site.objects.count(),
        Neighbourhood.objects.count(),
        ConsentText.objects.count(),
        TownRole.objects.count(),
        User.objects.count(),
    )


def test_the_command_creates_a_whole_town(town, client):
    out = StringIO()
    call_command(
        "create_town",
        "--title=Bourg-Neuf",
        "--hostname=Bourg-Neuf.test",
        "--neighbourhood=Le Port:300",
        "--neighbourhood=La Halle:120",
        "--admin=maire@example.org",
        stdout=out,
    )
    assert "Bourg-Neuf créée : http://bourg-neuf.test/" in out.getvalue()
    new = TownPage.objects.get(title="Bourg-Neuf")
    site = Site.objects.get(root_page=new)
    assert (site.hostname, site.port, site.is_default_site) == (
        "bourg-neuf.test",
        80,
        False,
    )
    assert sorted(new.get_children().values_list("slug", flat=True)) == [
        "ambassadeurs",
        "astuces",
        "defis",
        "evenements",
        "tele-locale",
    ]
    assert dict(new.neighbourhoods.values_list("name", "household_count")) == {
        "Le Port": 300,
        "La Halle": 120,
    }
    # Its own consent texts, copied from the template.
    own = current_consent_text(town=new)
    assert own.town_id == new.pk
    assert own.text == current_consent_text().text
    # Its four roles, and its administrator.
    assert set(TownRole.objects.filter(town=new).values_list("role", flat=True)) == set(
        Role.values
    )
    admin = User.objects.get(username="maire@example.org")
    assert not admin.has_usable_password()
    assert roles.has_role(admin, new, Role.TOWN_ADMIN)
    assert roles.is_moderator(admin, new)
    assert not roles.is_moderator(admin, town)
    # Its settings: the deployment's defaults.
    assert new.invitation_valid_days == 30


def test_the_new_town_serves_its_own_pages_on_its_hostname(town, client):
    call_command(
        "create_town",
        "--title=Bourg-Neuf",
        "--hostname=bourg-neuf.test",
        "--neighbourhood=Le Port:300",
        stdout=StringIO(),
    )
    home = client.get("/", HTTP_HOST="bourg-neuf.test")
    assert home.status_code == 200
    page = home.content.decode()
    assert "Bourg-Neuf" in page and "Le Port" in page
    assert "Val-Test" not in page
    assert client.get("/astuces/", HTTP_HOST="bourg-neuf.test").status_code == 200
    # The other town keeps its own home.
    other = client.get("/").content.decode()
    assert "Val-Test" in other and "Le Port" not in other


@pytest.mark.parametrize(
    ("hostname", "message"),
    [
        ("taken.test", "déjà celui d'une autre commune"),
        ("http://exemple.test/", "n'est pas un nom d'hôte valide"),
        ("deux mots.test", "n'est pas un nom d'hôte valide"),
    ],
)
def test_a_bad_hostname_creates_nothing(hostname, message):
    make_town("Prise", hostname="taken.test")
    before = counts()
    with pytest.raises(CommandError, match=message):
        call_command(
            "create_town",
            "--title=Bourg-Neuf",
            f"--hostname={hostname}",
            "--neighbourhood=Le Port:300",
            "--admin=maire@example.org",
            stdout=StringIO(),
        )
    assert counts() == before


def test_a_second_town_of_the_same_name_is_refused():
    """Its collection of images and documents would be the first one's."""
    make_town("Prise", hostname="taken.test")
    before = counts()
    with pytest.raises(CommandError, match="porte déjà le nom"):
        call_command(
            "create_town",
            "--title=prise",
            "--hostname=prise-bis.test",
            stdout=StringIO(),
        )
    assert counts() == before


def test_a_bad_admin_email_undoes_everything():
    before = counts()
    with pytest.raises(CommandError, match="adresse e-mail valide"):
        call_command(
            "create_town",
            "--title=Bourg-Neuf",
            "--hostname=bourg-neuf.test",
            "--admin=pas-une-adresse",
            stdout=StringIO(),
        )
    assert counts() == before


def test_a_moderator_gets_403_and_creates_nothing(town, client):
    moderator = make_staff(town, roles.MODERATOR)
    do_grant_role(moderator, town, Role.TOWN_ADMIN)
    moderator.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(moderator)
    url = reverse("new_town")
    assert client.get(url).status_code == 403
    response = client.post(url, {"title": "X", "hostname": "x.test", "port": 80})
    assert response.status_code == 403
    assert not TownPage.objects.filter(title="X").exists()


def test_a_superuser_creates_a_town_in_the_admin(town, client, superuser):
    client.force_login(superuser)
    url = reverse("new_town")
    form = client.get(url)
    assert form.status_code == 200
    assert "Nouvelle commune" in form.content.decode()
    response = client.post(
        url,
        {
            "title": "Bourg-Neuf",
            "hostname": "bourg-neuf.test",
            "port": 80,
            "neighbourhoods": "Le Port:300\nLa Halle\n",
            "admin_email": "maire@example.org",
        },
    )
    new = TownPage.objects.get(title="Bourg-Neuf")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[new.pk])
    assert dict(new.neighbourhoods.values_list("name", "household_count")) == {
        "Le Port": 300,
        "La Halle": 0,
    }
    assert roles.has_role(
        User.objects.get(username="maire@example.org"), new, Role.TOWN_ADMIN
    )
    assert client.get("/", HTTP_HOST="bourg-neuf.test").status_code == 200


def test_the_admin_form_says_why_and_creates_nothing(town, client, superuser):
    make_town("Prise", hostname="taken.test")
    client.force_login(superuser)
    before = counts()
    response = client.post(
        reverse("new_town"),
        {"title": "Bourg-Neuf", "hostname": "taken.test", "port": 80},
    )
    assert response.status_code == 200
    assert "déjà celui d&#x27;une autre commune" in response.content.decode()
    assert counts() == before
    response = client.post(
        reverse("new_town"),
        {
            "title": "Bourg-Neuf",
            "hostname": "bourg-neuf.test",
            "port": 80,
            "neighbourhoods": "Le Port:trois cents",
        },
    )
    assert "le nombre de foyers doit être un entier" in response.content.decode()
    assert counts() == before


def test_migrate_gives_older_towns_the_new_apps_index_pages(db):
    """A town made before events and the local channel existed (no hook ran)
    gets their pages at the next `migrate`; a town that has them, or a page
    of that slug, is left as it is."""
    from django.core.management import call_command

    from events.models import EventIndexPage
    from localtv.models import ChannelPage
    from tests.factories import make_town

    older = make_town("Ancienne-Commune", hostname="ancienne.test")
    taken = make_town("Autre-Commune", hostname="autre.test")
    taken.add_child(instance=TownPage(title="Nos événements", slug="evenements"))
    call_command("migrate", verbosity=0)
    call_command("migrate", verbosity=0)  # twice: nothing more
    assert EventIndexPage.objects.child_of(older).count() == 1
    assert ChannelPage.objects.child_of(older).count() == 1
    older.refresh_from_db()
    assert older.get_children().get(slug="evenements").live
    assert not EventIndexPage.objects.child_of(taken).exists()
    assert ChannelPage.objects.child_of(taken).count() == 1

"""« Mes compteurs » in a real browser at a phone's size (375×667): a bad file,
then upload → preview → confirm → dashboard, a typed index, axe on every page;
and the same flow without JavaScript."""

import importlib
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page

from ambassadors import actions, queries
from ambassadors.models import AmbassadorIndexPage, AmbassadorPage
from community.models import (
    ConsentKind,
    ConsentText,
    HouseholdStatus,
    Member,
    Role,
)
from meters.models import MeterIndex, MeterUpload, UploadStatus
from scoring.models import SensorReading
from tests.browser.conftest import PHONE
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, grant, make_household, make_member
from tests.meters.files import enedis_daily

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "camille@example.org"
FILE_LABEL = "Fichier de votre espace client Enedis ou GRDF"


@pytest.fixture
def resident(live_town, live_neighbourhood):
    household = make_household(live_neighbourhood, status=HouseholdStatus.ACTIVE)
    return make_member(
        live_town, household=household, email=EMAIL, display_name="Camille"
    )


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def assert_accessible_page(page: Page) -> None:
    """axe on the page; one showing a flash message is checked once reloaded
    (base.html's role="status" on the messages' list, as in
    tests/browser/test_ambassadors.py)."""
    if page.locator("ul.messages").count():
        page.reload()
    assert_accessible(page)


def this_months_file() -> tuple[bytes, int]:
    """A Linky daily file of this month's days up to today: the dashboard's month."""
    today = timezone.localdate()
    return enedis_daily(today.replace(day=1), today.day, wh=9000), 9 * today.day


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_upload_preview_confirm_dashboard_on_a_phone(
    new_context, asgi_server, resident, javascript
):
    page = new_context(**PHONE, java_script_enabled=javascript).new_page()
    login(page, asgi_server, EMAIL, PASSWORD)
    page.goto("/foyer/")
    page.get_by_role("link", name=re.compile("Mes compteurs")).click()
    expect(h1(page)).to_have_text("Mes compteurs")
    assert page.viewport_size == {"width": 375, "height": 667}
    expect(page.get_by_label("Garder une copie du fichier")).not_to_be_checked()
    assert_accessible_page(page)

    # A file that is not a meter export: the message names the problem.
    page.get_by_label(FILE_LABEL).set_input_files(
        {"name": "notes.csv", "mimeType": "text/csv", "buffer": b"bonjour;tout\n"}
    )
    button = page.get_by_role("button", name="Lire le fichier")
    assert button.bounding_box()["height"] >= 44
    button.click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert MeterUpload.objects.count() == 0
    assert_accessible_page(page)

    data, total = this_months_file()
    page.get_by_label(FILE_LABEL).set_input_files(
        {"name": "mes-donnees-linky.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="Lire le fichier").click()

    expect(h1(page)).to_have_text("Vérifiez ce que nous avons lu")
    main = page.locator("main")
    expect(main).to_contain_text("09876543210123")
    expect(main).to_contain_text(f"{total} kWh")
    assert_accessible_page(page)
    assert not SensorReading.objects.exists()
    page.get_by_role("button", name="Enregistrer").click()

    expect(h1(page)).to_have_text("Mes compteurs")
    expect(page.get_by_role("status")).to_contain_text("Fichier enregistré")
    assert MeterUpload.objects.get().status == UploadStatus.STORED
    assert_accessible_page(page)

    page.get_by_role("link", name="Voir mon tableau de bord").click()
    expect(page.locator("main")).to_contain_text(f"{total},0 kWh")
    assert_accessible_page(page)


def test_a_lower_index_asks_before_storing(new_context, asgi_server, resident):
    page = new_context(**PHONE).new_page()
    login(page, asgi_server, EMAIL, PASSWORD)
    page.goto("/foyer/compteurs/")
    today = timezone.localdate()
    last_week = today - timedelta(days=7)

    def type_index(day, value: str) -> None:
        page.get_by_label("Eau (m³)").check()
        page.get_by_label("Date du relevé").fill(day.isoformat())
        page.get_by_label("Index relevé").fill(value)
        page.get_by_role("button", name="Enregistrer l'index").click()

    type_index(last_week, "250,5")
    expect(page.get_by_role("status")).to_contain_text("250,5 m³")
    type_index(today, "12")
    expect(page.get_by_role("alert").first).to_contain_text(
        "Le compteur a-t-il été remplacé ?"
    )
    assert_accessible(page)
    page.get_by_label("Oui, c'est un nouveau compteur").check()
    page.get_by_role("button", name="Répondre").click()
    expect(page.locator("main")).to_contain_text("nouveau compteur")
    assert_accessible_page(page)


def test_an_ambassador_types_an_index_on_the_doorstep(
    new_context, asgi_server, live_town, live_neighbourhood
):
    """Without JavaScript, on the ambassador's phone; the household sees it."""
    ambassador = make_ambassador(live_town, live_neighbourhood)
    scope = queries.access_ambassador_scope(ambassador, live_town)
    onboarding, _ = actions.check_pre_register(
        scope,
        neighbourhood=live_neighbourhood,
        domains=["energy"],
        consent_text_id=participation_text().pk,
    )
    household = onboarding.household
    make_member(live_town, household=household, email=EMAIL, display_name="Camille")

    amb = new_context(**PHONE, java_script_enabled=False).new_page()
    login(amb, asgi_server, AMBASSADOR_EMAIL, PASSWORD)
    amb.goto(f"/ambassadeurs/tournee/foyers/{household.public_id}/")
    section = amb.get_by_role(
        "region", name="Saisir un index de compteur pour ce foyer"
    )
    section.get_by_label("Gaz (m³)").check()
    section.get_by_label("Index relevé").fill("4120,5")
    section.get_by_role("button", name="Enregistrer l'index").click()
    expect(amb.get_by_role("status")).to_contain_text("saisi par l'ambassadeur")
    assert MeterIndex.objects.get().assisted
    assert_accessible_page(amb)

    home = new_context(**PHONE).new_page()
    login(home, asgi_server, EMAIL, PASSWORD)
    home.goto("/foyer/compteurs/")
    expect(home.locator("main")).to_contain_text("saisi par Léa, ambassadrice")
    assert_accessible_page(home)


AMBASSADOR_EMAIL = "lea.ambassadrice@example.org"


def participation_text() -> ConsentText:
    text = ConsentText.objects.filter(kind=ConsentKind.PARTICIPATION).first()
    if text is None:
        # A transactional test before this one flushed the migrated rows.
        migration = importlib.import_module(
            "community.migrations.0004_first_consent_text"
        )
        text = ConsentText.objects.create(
            kind=ConsentKind.PARTICIPATION, version=1, text=migration.TEXT_V1
        )
    return text


def make_ambassador(town, neighbourhood) -> User:
    """Léa, ambassador of the neighbourhood, with her page under the town."""
    user = User.objects.create_user(
        username=AMBASSADOR_EMAIL, email=AMBASSADOR_EMAIL, password=PASSWORD
    )
    grant(user, town, Role.AMBASSADOR)
    Member.objects.create(user=user, town=town, display_name="Léa, ambassadrice")
    index = town.add_child(
        instance=AmbassadorIndexPage(title="Nos ambassadeurs", slug="ambassadeurs")
    )
    page = index.add_child(instance=AmbassadorPage(title="Léa", slug="lea", user=user))
    page.neighbourhoods.set([neighbourhood])
    page.save()
    return user

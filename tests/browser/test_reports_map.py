"""The town's map in a real browser: on a phone a member places a report's pin
(« Ma position », a tap; a point outside the town refused in French; arrows),
a second member's open /carte/ shows the new report's card and pin live, then
its state change and its removal by moderation, and the report's page (with the
`reports_live` tag) gets its timeline entries once; both filing steps, the
report's page, /carte/ with its map, pins and sensors, and a sensor's page with
its chart and table pass axe-core; sensor values arrive live.

Tiles never leave the machine: the tile server's requests are answered with a
blank picture."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from PIL import Image

from community.models import Role
from realtime.groups import sensors_stream
from realtime.publish import publish
from reports import actions
from reports.models import Report, ReportState
from tests.browser.conftest import PHONE
from tests.browser.support import assert_accessible, expect, login
from tests.factories import (
    PASSWORD,
    make_member,
    make_report,
    make_report_category,
    make_staff,
)
from tests.townsensors.conftest import send
from townsensors.models import TownSensor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _blank_png() -> bytes:
    picture = io.BytesIO()
    Image.new("RGBA", (256, 256), (0, 0, 0, 0)).save(picture, "PNG")
    return picture.getvalue()


BLANK_TILE = _blank_png()


@pytest.fixture
def map_town(live_town):
    live_town.bounds_south, live_town.bounds_north = 45.0, 45.1
    live_town.bounds_west, live_town.bounds_east = 4.0, 4.1
    # Zoomed out: the phone's map shows the town and land around it.
    live_town.map_zoom = 10
    live_town.save()
    return live_town


def _blank_tiles(context) -> None:
    tiles = urlsplit(settings.SMARTCITIZEN["MAP_TILE_URL"])
    host = re.escape(f"{tiles.scheme}://{tiles.netloc}")
    context.route(
        re.compile(f"^{host}/.*"),
        lambda route: route.fulfill(
            status=200, content_type="image/png", body=BLANK_TILE
        ),
    )


def _member_context(new_context, asgi_server, member, **options):
    context = new_context(**options)
    _blank_tiles(context)
    page = context.new_page()
    login(page, asgi_server, member.user.email, PASSWORD)
    return context, page


def test_a_report_filed_on_a_phone_appears_live_and_its_state_change_too(
    new_context, asgi_server, map_town, live_neighbourhood
):
    """Issue 16's flow: a member files a report on a phone through both steps
    (the pin placed by « Ma position », a tap, the arrows), a second member's
    open /carte/ shows it live, the town's agent changes its state in the
    admin, and the second member's open report page gets the entry live."""
    anne = make_member(
        map_town, neighbourhood=live_neighbourhood, email="anne@example.org"
    )
    paul = make_member(
        map_town, neighbourhood=live_neighbourhood, email="paul@example.org"
    )
    make_report_category(map_town, "Éclairage public")

    _, watcher = _member_context(new_context, asgi_server, paul)
    watcher.goto("/carte/")
    expect(watcher.locator("[data-town-map] .leaflet-container")).to_be_visible()
    expect(watcher.locator("[data-reports-empty]")).to_be_visible()

    _, phone = _member_context(
        new_context,
        asgi_server,
        anne,
        # « Ma position »: the phone says it is in the town.
        geolocation={"latitude": 45.07, "longitude": 4.03},
        permissions=["geolocation"],
        **PHONE,
    )
    phone.goto("/signalements/nouveau/")
    phone.get_by_label("Éclairage public").check()
    canvas = phone.locator("[data-pin-map-canvas]")
    expect(canvas).to_be_visible()
    assert_accessible(phone)
    box = canvas.bounding_box()
    status = phone.locator("[data-pin-status]")

    # Far from the middle of a zoomed-out map: outside the town, refused.
    canvas.tap(position={"x": 12, "y": box["height"] - 40})
    expect(status).to_contain_text("Ce point est en dehors de Val-Test")
    expect(phone.locator("input[name=latitude]")).to_have_value("")

    phone.get_by_role("button", name="Ma position").tap()
    expect(phone.locator("input[name=latitude]")).to_have_value("45.070000")
    expect(phone.locator("input[name=longitude]")).to_have_value("4.030000")

    canvas.tap(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(status).to_have_text("Repère placé.")
    latitude = float(phone.locator("input[name=latitude]").input_value())
    longitude = float(phone.locator("input[name=longitude]").input_value())
    assert 45.0 <= latitude <= 45.1 and 4.0 <= longitude <= 4.1
    # The marker moves with the arrows too.
    phone.locator(".leaflet-marker-icon").focus()
    phone.keyboard.press("ArrowRight")
    moved = float(phone.locator("input[name=longitude]").input_value())
    assert moved > longitude
    phone.get_by_label("Adresse ou lieu").fill("Place de la Mairie")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continuer").tap()

    # Step 2: the description, then the report's own page.
    expect(phone.get_by_label("Décrivez le problème")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_label("Décrivez le problème").fill("Le lampadaire clignote.")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Envoyer le signalement").tap()
    report = Report.objects.get()
    # The picked point, to the metre (the inputs hold six decimals).
    assert report.latitude == pytest.approx(latitude, abs=1e-5)
    assert report.longitude == pytest.approx(moved, abs=1e-5)
    assert report.author_id == anne.pk
    expect(phone.locator("h1")).to_contain_text("Éclairage public")

    card = watcher.locator(f'article[data-report="{report.pk}"]')
    expect(card).to_contain_text("Place de la Mairie")
    expect(watcher.locator(f'path[data-pin="{report.pk}"]')).to_have_count(1)
    expect(watcher.locator("[data-reports-announce]")).to_contain_text(
        "Nouveau signalement : Éclairage public — Place de la Mairie"
    )

    # The watcher opens the report's page (it carries the live tag).
    timeline_page = watcher.context.new_page()
    timeline_page.goto(f"/signalements/{report.pk}/")
    entries = timeline_page.locator("[data-report-timeline] [data-update]")
    expect(entries).to_have_count(1)

    # The town's agent changes the state in the admin, with a note.
    agent = make_staff(map_town, Role.SERVICE, email="agent@example.org")
    admin = new_context().new_page()
    admin.goto(f"{asgi_server}/admin/login/")
    admin.locator("input[name=username]").fill(agent.email)
    admin.locator("input[name=password]").fill(PASSWORD)
    with admin.expect_navigation():
        admin.locator("form button[type=submit]").first.click()
    admin.goto(f"{asgi_server}/admin/signalements/")
    with admin.expect_navigation():
        admin.get_by_role("link", name=f"nº {report.pk}", exact=True).click()
    admin.get_by_label("Nouvel état").select_option("acknowledged")
    admin.get_by_label("Note (publiée dans l'historique du signalement)").fill(
        "Équipe prévenue, passage demain."
    )
    with admin.expect_navigation():
        admin.get_by_role("button", name="Enregistrer et notifier").click()
    report.refresh_from_db()
    assert report.state == ReportState.ACKNOWLEDGED

    # Both open pages of the watcher follow, without a reload.
    expect(entries).to_have_count(2)
    expect(entries.last).to_contain_text("Équipe prévenue, passage demain.")
    expect(timeline_page.locator(".report-card .report-state")).to_have_text(
        "pris en charge"
    )
    expect(card.locator(".report-state")).to_have_text("pris en charge")
    # A resident's note reaches the timeline once.
    actions.check_add_note(anne, report, "Toujours éteint ce soir.", "note-1")
    expect(entries).to_have_count(3)
    # Hidden by moderation: card and pin leave the map page.
    actions.do_set_report_moderation(report, hidden=True)
    expect(card).to_have_count(0)
    expect(watcher.locator(f'path[data-pin="{report.pk}"]')).to_have_count(0)
    assert_accessible(phone)


def test_the_map_page_is_accessible_with_its_pins_and_sensors(
    new_context, asgi_server, map_town, live_neighbourhood
):
    anne = make_member(
        map_town, neighbourhood=live_neighbourhood, email="anne@example.org"
    )
    category = make_report_category(map_town, "Voirie")
    for i in range(3):
        make_report(anne, category, latitude=45.02 + i / 100, longitude=4.05)
    make_report(anne, category, address="12 rue sans repère")
    TownSensor.objects.create(
        town=map_town,
        name="Parking de la Gare",
        kind="parking",
        unit="places",
        latitude=45.06,
        longitude=4.06,
    )

    _, page = _member_context(new_context, asgi_server, anne, **PHONE)
    page.goto("/carte/")
    expect(page.locator("path[data-pin]")).to_have_count(3)
    # The tile server's attribution (MAP_TILE_ATTRIBUTION) is on the map.
    expect(page.locator(".leaflet-control-attribution")).to_contain_text(
        "contributeurs d'OpenStreetMap"
    )
    expect(page.locator(".sensor-pin")).to_have_count(1)
    # The list is there under the map, with the report that has no pin.
    expect(page.locator("article.report-card")).to_have_count(4)
    expect(page.get_by_text("12 rue sans repère")).to_be_visible()
    assert_accessible(page)

    # The sensors' stream updates the marker and the list.
    sensor = TownSensor.objects.get()
    with transaction.atomic():
        publish(
            sensors_stream(map_town.pk),
            "sensor.values",
            {"sensors": [{"id": sensor.pk, "value": 42, "age_seconds": 120}]},
        )
    expect(page.locator(".sensor-pin")).to_contain_text("42")
    item = page.locator(f'[data-sensor="{sensor.pk}"]')
    expect(item).to_contain_text("il y a 2 min")

    # The sensor's page: its 7 days as a chart, and the table beside it.
    for minutes_ago in (180, 120, 60, 5):
        send(map_town, sensor, 100 + minutes_ago / 10, minutes_ago=minutes_ago)
    page.goto(f"/capteurs/{sensor.pk}/")
    expect(page.locator("svg.chart polyline")).to_have_count(1)
    expect(page.locator(".sensor-values tbody tr")).to_have_count(4)
    assert_accessible(page)
    page.goto("/capteurs/")
    expect(page.get_by_text("Parking de la Gare")).to_be_visible()
    assert_accessible(page)


def test_a_sensor_that_stops_speaking_turns_silent_on_an_open_map(
    new_context, asgi_server, map_town, live_neighbourhood
):
    """No event says that a sensor went quiet: the open map ages its values and
    says « silencieux » once the sensor's expected interval is over."""
    anne = make_member(
        map_town, neighbourhood=live_neighbourhood, email="anne@example.org"
    )
    sensor = TownSensor.objects.create(
        town=map_town,
        name="Sonde du lavoir",
        kind="temperature",
        unit="°C",
        latitude=45.06,
        longitude=4.06,
        expected_interval_minutes=1,
    )
    send(map_town, sensor, 7.5)
    _, page = _member_context(new_context, asgi_server, anne)
    page.clock.install()
    page.goto("/carte/")
    pin = page.locator(".sensor-pin")
    expect(pin).to_contain_text("7,5")
    item = page.locator(f'[data-sensor="{sensor.pk}"]')
    expect(item.locator("[data-sensor-silent]")).to_be_hidden()
    page.clock.fast_forward("02:30")
    expect(item.locator("[data-sensor-silent]")).to_be_visible()
    expect(item.locator("[data-sensor-age]")).to_have_text("il y a 2 min")
    expect(pin).to_contain_text("silencieux")


def test_without_javascript_or_tiles_the_map_page_is_a_list_and_filing_works(
    new_context, asgi_server, map_town, live_neighbourhood
):
    """The map is an enhancement: no JavaScript, the page is the list with
    addresses and states, and a report is filed with a typed address; no
    tiles, the same list under an empty map."""
    anne = make_member(
        map_town, neighbourhood=live_neighbourhood, email="anne@example.org"
    )
    category = make_report_category(map_town, "Voirie")
    make_report(anne, category, latitude=45.05, longitude=4.05, address="Rue Haute")

    _, page = _member_context(new_context, asgi_server, anne, java_script_enabled=False)
    page.goto("/carte/")
    expect(page.locator("[data-town-map]")).to_be_hidden()
    card = page.locator("article.report-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Rue Haute")
    expect(card).to_contain_text("ouvert")
    with page.expect_navigation():
        page.get_by_role("link", name="Faire un signalement").click()
    page.get_by_label("Voirie", exact=True).check()
    page.get_by_label("Adresse ou lieu").fill("8 rue de la Gare")
    with page.expect_navigation():
        page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Décrivez le problème").fill("Un trou dans le trottoir.")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer le signalement").click()
    filed = Report.objects.get(address="8 rue de la Gare")
    assert filed.latitude is None and filed.author_id == anne.pk
    assert_accessible(page)

    # JavaScript, but no tile server reachable: the list is all there.
    tiles = urlsplit(settings.SMARTCITIZEN["MAP_TILE_URL"])
    context = new_context()
    context.route(
        re.compile("^" + re.escape(f"{tiles.scheme}://{tiles.netloc}") + "/.*"),
        lambda route: route.abort(),
    )
    offline = context.new_page()
    offline.goto("/carte/")
    expect(offline.locator("[data-town-map]")).to_be_visible()
    expect(offline.locator("article.report-card")).to_have_count(2)
    expect(offline.get_by_text("8 rue de la Gare")).to_be_visible()


def test_events_and_shops_are_layers_of_the_map_on_a_phone(
    new_context, asgi_server, map_town
):
    """Issue 18: a coming event with a place and an active producer are pins of
    their own layers on /carte/ (a visitor, a phone), named in the layer
    control, listed under the map, and the page stays axe-clean."""
    from localshops.models import BusinessKind, LocalBusiness
    from tests.events.helpers import make_event, make_event_index

    make_event(
        make_event_index(map_town),
        "Café réparation",
        place_name="Salle des fêtes",
        address="2 place de la Mairie",
        latitude=45.04,
        longitude=4.04,
    )
    LocalBusiness.objects.create(
        town=map_town,
        name="Les Jardins de la Lys",
        kind=BusinessKind.PRODUCER,
        address="Chemin des Prés",
        latitude=45.06,
        longitude=4.06,
    )

    context = new_context(**PHONE)
    _blank_tiles(context)
    page = context.new_page()
    page.goto(f"{asgi_server}/carte/")
    events = page.locator('[data-map-layer-pin="events"]')
    shops = page.locator('[data-map-layer-pin="localshops"]')
    expect(events).to_have_count(1)
    expect(shops).to_have_count(1)
    control = page.locator(".leaflet-control-layers")
    expect(control).to_contain_text("Événements")
    expect(control).to_contain_text("Commerces et producteurs")
    # The lists under the map say the same, with the date and the address.
    expect(page.locator('[data-map-layer="events"] li')).to_contain_text(
        "2 place de la Mairie"
    )
    expect(page.locator('[data-map-layer="localshops"] li')).to_contain_text(
        "Les Jardins de la Lys"
    )

    # A tap on the event's pin opens its popup, which links to its page.
    events.tap()
    expect(page.locator(".leaflet-popup")).to_contain_text("Salle des fêtes")
    expect(
        page.locator(".leaflet-popup").get_by_role("link", name="Café réparation")
    ).to_have_attribute("href", re.compile(r"/evenements/.+/$"))
    assert_accessible(page)

    # The layer control hides a layer and shows it again.
    checkbox = control.locator("label", has_text="Commerces et producteurs").locator(
        "input"
    )
    checkbox.uncheck()
    expect(shops).to_have_count(0)
    checkbox.check()
    expect(shops).to_have_count(1)

"""The town's map, `/carte/`: the filtered list (no JavaScript needed), its
GeoJSON pins, bounded queries, the settings map.js reads, and the pin picker."""

import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from community.models import Role
from reports import actions, views_map
from reports.models import Report, ReportState
from tests.factories import (
    NeighbourhoodFactory,
    make_member,
    make_report,
    make_report_category,
    make_staff,
    make_town,
)
from townsensors.models import TownSensor

pytestmark = pytest.mark.django_db

MAP = "/carte/"
PINS = "/carte/signalements.geojson"


@pytest.fixture
def bounded_town(town):
    town.bounds_south, town.bounds_north = 45.0, 45.1
    town.bounds_west, town.bounds_east = 4.0, 4.1
    town.save()
    return town


@pytest.fixture
def lighting(bounded_town):
    return make_report_category(bounded_town, "Éclairage public")


@pytest.fixture
def waste(bounded_town):
    return make_report_category(bounded_town, "Propreté")


def _resolve(report, state=ReportState.RESOLVED):
    agent = make_staff(report.town, Role.SERVICE)
    actions.check_change_state(agent, report, state, "Réparé.")


def _cards(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-report="(\d+)"', html)]


def test_the_names_and_routes():
    assert reverse("reports:map") == MAP
    assert reverse("reports:map-data") == PINS
    assert reverse("reports:list") == "/signalements/"


def test_anyone_reads_the_list_with_addresses_and_states_never_names(
    client, member, lighting
):
    member.display_name = "Josiane Q."
    member.save()
    shown = make_report(member, lighting, address="3 place du Marché")
    hidden = make_report(member, lighting, address="5 rue Cachée")
    actions.do_set_report_moderation(hidden, hidden=True)
    other_town = make_town("Ailleurs", hostname="ailleurs.test")
    stranger = make_member(
        other_town, neighbourhood=NeighbourhoodFactory(town=other_town)
    )
    elsewhere = make_report(stranger, make_report_category(other_town), address="Loin")

    response = client.get(MAP)
    assert response.status_code == 200
    html = response.content.decode()
    assert _cards(html) == [shown.pk]
    assert "3 place du Marché" in html and "ouvert" in html
    assert "Josiane" not in html
    assert elsewhere.pk not in _cards(html)
    # Anonymous: no stream to subscribe to (the stream is the members').
    assert "data-live-stream" not in html
    # Without JavaScript the map is not there (map.js shows it); its settings
    # travel as data- attributes, the sensors as JSON data.
    assert '<div class="town-map" hidden data-town-map' in html
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert 'data-attribution="© les contributeurs d&#x27;OpenStreetMap"' in html
    assert 'data-bounds="45.0,4.0,45.1,4.1"' in html
    assert 'data-lat="45.05"' in html  # the middle of the bounds: no centre set
    assert '<script id="town-sensors-data" type="application/json">' in html


def test_the_map_page_leads_to_filing_and_to_the_sensors(client, member, lighting):
    """The menu's « Signalements » opens the map: filing is one link away."""
    html = client.get(MAP).content.decode()
    assert f'href="{reverse("reports:new")}"' in html
    assert "Faire un signalement" in html
    assert f'href="{reverse("townsensors:list")}"' in html


def test_filters_by_state_category_and_neighbourhood(client, member, lighting, waste):
    open_one = make_report(member, lighting)
    done = make_report(member, lighting)
    _resolve(done)
    bin_report = make_report(member, waste)
    other = NeighbourhoodFactory(town=member.town)
    Report.objects.filter(pk=bin_report.pk).update(neighbourhood=other)

    # Default: open ones (ouvert, pris en charge).
    assert _cards(client.get(MAP).content.decode()) == [bin_report.pk, open_one.pk]
    everything = client.get(MAP, {"etat": "tous"}).content.decode()
    assert _cards(everything) == [bin_report.pk, done.pk, open_one.pk]
    resolved = client.get(MAP, {"etat": "resolved"}).content.decode()
    assert _cards(resolved) == [done.pk]
    by_category = client.get(MAP, {"categorie": waste.pk, "etat": "tous"})
    assert _cards(by_category.content.decode()) == [bin_report.pk]
    by_place = client.get(MAP, {"quartier": other.pk}).content.decode()
    assert _cards(by_place) == [bin_report.pk]

    # A bad value (or another town's category) is said on its field and
    # ignored; the other filters still apply.
    elsewhere = make_report_category(make_town("Ailleurs", hostname="ailleurs.test"))
    response = client.get(MAP, {"categorie": elsewhere.pk, "etat": "resolved"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "field-invalid" in html
    assert _cards(html) == [done.pk]
    huge = "9" * 40
    junk = {"categorie": huge, "quartier": huge, "etat": "💧", "page": huge}
    assert client.get(MAP, junk).status_code == 200
    # The pins answer a JSON error with a code.
    bad = client.get(PINS, {"etat": "perdu"})
    assert bad.status_code == 400
    assert bad.json()["error"] == "bad_filter"
    assert "etat" in bad.json()["fields"]


def test_pins_are_geojson_of_the_filtered_reports_with_a_position(
    client, member, lighting, waste
):
    pinned = make_report(member, lighting, latitude=45.05, longitude=4.05)
    make_report(member, lighting, address="Sans position")
    hidden = make_report(member, lighting, latitude=45.02, longitude=4.02)
    actions.do_set_report_moderation(hidden, hidden=True)
    resolved = make_report(member, waste, latitude=45.03, longitude=4.03)
    _resolve(resolved)

    response = client.get(PINS)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["truncated"] is False
    assert [feature["id"] for feature in data["features"]] == [pinned.pk]
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [4.05, 45.05]}
    assert feature["properties"] == {
        "id": pinned.pk,
        "state": "open",
        "state_label": "ouvert",
        "category": "Éclairage public",
        "category_id": lighting.pk,
        "url": f"/signalements/{pinned.pk}/",
    }
    everything = client.get(PINS, {"etat": "tous", "categorie": waste.pk}).json()
    assert [f["id"] for f in everything["features"]] == [resolved.pk]
    assert everything["features"][0]["properties"]["state_label"] == "résolu"


def test_the_pins_are_capped(client, member, lighting, monkeypatch):
    monkeypatch.setattr(views_map, "MAX_PINS", 2)
    made = [
        make_report(member, lighting, latitude=45.01 + i / 100, longitude=4.05)
        for i in range(3)
    ]
    data = client.get(PINS).json()
    assert data["truncated"] is True
    assert [f["id"] for f in data["features"]] == [made[2].pk, made[1].pk]


def _bulk_reports(member, category, neighbourhood, count: int) -> None:
    Report.objects.bulk_create(
        Report(
            town=member.town,
            category=category,
            author=member,
            description=f"Signalement {i}",
            address=f"{i} rue de la Gare",
            latitude=45.0 + (i % 100) / 1000,
            longitude=4.0 + (i % 97) / 1000,
            neighbourhood=neighbourhood,
        )
        for i in range(count)
    )


def _queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_2000_reports_cost_the_queries_of_20(client, member, neighbourhood, lighting):
    TownSensor.objects.create(
        town=member.town, name="Sonde", kind="temperature", latitude=45, longitude=4
    )
    client.force_login(member.user)
    _bulk_reports(member, lighting, neighbourhood, 20)
    params = {"quartier": neighbourhood.pk, "categorie": lighting.pk}
    # The first page of a process reads the town, kept after (community.towns).
    client.get(MAP, params)
    few_page = _queries(client, MAP, params)
    few_pins = _queries(client, PINS, params)
    assert len(client.get(PINS, params).json()["features"]) == 20

    _bulk_reports(member, lighting, neighbourhood, 1980)
    assert _queries(client, MAP, params) == few_page
    assert _queries(client, MAP, {**params, "page": 40}) == few_page
    assert _queries(client, PINS, params) == few_pins
    assert len(client.get(PINS, params).json()["features"]) == 2000
    html = client.get(MAP, params).content.decode()
    assert len(_cards(html)) == views_map.PAGE_SIZE
    title = re.search(r'id="reports-title">([^<]*)<', html).group(1)
    assert re.sub(r"\D", "", title) == "2000", title


def test_members_get_the_streams_and_the_live_filter(
    client, member, neighbourhood, lighting
):
    from realtime.groups import reports_stream, sensors_stream

    client.force_login(member.user)
    html = client.get(
        MAP, {"categorie": lighting.pk, "quartier": neighbourhood.pk}
    ).content.decode()
    assert f'data-live-stream="{reports_stream(member.town_id)}"' in html
    assert f'data-live-stream="{sensors_stream(member.town_id)}"' in html
    match = re.search(r'data-reports-filter="([^"]*)"', html)
    live_filter = json.loads(match.group(1).replace("&quot;", '"'))
    assert live_filter == {
        "category_id": lighting.pk,
        "neighbourhood_id": neighbourhood.pk,
        "states": ["acknowledged", "open"],
    }
    # A live event carries what that filter is checked against.
    report = make_report(member, lighting, latitude=45.05, longitude=4.05)
    from realtime.models import Event

    data = Event.objects.get(event="report.created").data
    assert data["report_id"] == report.pk
    assert "neighbourhood_id" in data


def test_the_tile_host_is_allowed_and_no_inline_script_is_needed(client, town):
    with override_settings(
        SMARTCITIZEN={
            **settings.SMARTCITIZEN,
            "MAP_TILE_URL": "https://tuiles.example.org:8443/osm/{z}/{x}/{y}.png",
        }
    ):
        response = client.get(MAP)
    policy = response["Content-Security-Policy"]
    img_src = re.search(r"img-src ([^;]*)", policy).group(1).split()
    assert "https://tuiles.example.org:8443" in img_src
    assert "'unsafe-inline'" not in policy
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts)


def test_sensors_are_listed_with_their_state(client, town):
    TownSensor.objects.create(
        town=town,
        name="Parking de la Gare",
        kind="parking",
        unit="places",
        latitude=45.05,
        longitude=4.05,
    )
    html = client.get(MAP).content.decode()
    assert "Parking de la Gare" in html
    assert "pas encore de mesure" in html
    data = re.search(
        r'<script id="town-sensors-data" type="application/json">(.*?)</script>', html
    ).group(1)
    assert json.loads(data)[0]["name"] == "Parking de la Gare"
    assert views_map.age_text(30) == "à l’instant"
    assert views_map.age_text(5 * 60) == "il y a 5 min"
    assert views_map.age_text(3 * 3600) == "il y a 3 h"


def test_the_pin_picker_carries_the_bounds_and_the_french_refusal(bounded_town):
    html = Template("{% include 'reports/includes/pin_map.html' %}").render(
        Context({"town": bounded_town})
    )
    assert "data-pin-map" in html and " hidden" in html
    assert 'data-bounds="45.0,4.0,45.1,4.1"' in html
    assert "Ce point est en dehors de Val-Test" in html
    assert "Ma position" in html
    assert 'aria-live="polite"' in html


def test_reports_live_gives_the_stream_to_members_and_staff_only(rf, member, town):
    from django.contrib.auth.models import AnonymousUser

    from realtime.groups import reports_stream

    page = Template("{% load reports_map %}{% reports_live town %}")

    def render_for(user) -> str:
        request = rf.get("/signalements/")
        request.user = user
        return page.render(Context({"request": request, "town": town}))

    assert "data-live-stream" not in render_for(AnonymousUser())
    elsewhere = make_town("Ailleurs", hostname="ailleurs.test")
    outsider = make_member(
        elsewhere, neighbourhood=NeighbourhoodFactory(town=elsewhere)
    )
    assert "data-live-stream" not in render_for(outsider.user)
    for user in (member.user, make_staff(town, Role.SERVICE)):
        html = render_for(user)
        assert f'data-live-stream="{reports_stream(town.pk)}"' in html
        assert "reports/live.js" in html

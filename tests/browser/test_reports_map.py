"""The town's map in a real browser: on a phone a member places a report's pin
(« Ma position », a tap; a point outside the town refused in French; arrows),
a second member's open /carte/ shows the new report's card and pin live, then
its state change and its removal by moderation, and the report's page (with the
`reports_live` tag) gets its timeline entries once; /carte/ passes axe-core
with its map, pins and sensors, and sensor values arrive live.

Tiles never leave the machine: the tile server's requests are answered with a
blank picture. The new-report page itself is H1's (issue 16); until it is on
this branch, step 1 is a page holding the same form inputs (latitude,
longitude, address) and the real include, served at the site's origin with the
site's own Content-Security-Policy.
"""

import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
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
STEP_ONE = "/signalements/essai-etape-1/"
STEP_ONE_PAGE = Template(
    """{% load static %}<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nouveau signalement</title>
<link rel="stylesheet" href="{% static 'css/site.css' %}"></head>
<body><main id="contenu"><h1>Nouveau signalement</h1>
<form method="post" action="/signalements/">
<p class="field"><label for="id_address">Adresse</label>
<input type="text" id="id_address" name="address"></p>
<p class="field"><label for="id_latitude">Latitude</label>
<input type="text" id="id_latitude" name="latitude"></p>
<p class="field"><label for="id_longitude">Longitude</label>
<input type="text" id="id_longitude" name="longitude"></p>
{% include "reports/includes/pin_map.html" %}
</form></main></body></html>"""
)


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


# Runs before the page's scripts: puts the `reports_live` tag's output (its
# stream holder and script, given as JSON) after the timeline as soon as the
# parser has made it, so that static/js/live.js finds the stream when it starts.
ADD_LIVE = """
(() => {
  const live = %s;
  const observer = new MutationObserver(() => {
    const timeline = document.querySelector("[data-report-timeline]");
    if (!timeline) return;
    observer.disconnect();
    const holder = document.createElement("div");
    holder.hidden = true;
    holder.setAttribute("data-live-stream", live.stream);
    holder.setAttribute("data-live-since", live.since);
    timeline.after(holder);
    const script = document.createElement("script");
    script.src = live.script;
    document.head.appendChild(script);
  });
  observer.observe(document, { childList: true, subtree: true });
})();
"""


def _report_page_with_live(page, town, member, report):
    """The report's page in `page`'s browser, with what `{% reports_live town %}`
    renders for `member` (H1's template will carry the tag).

    Added by a script before the page's own, not by rewriting the response: a
    document Playwright serves itself may not open a websocket to 127.0.0.1
    (Chromium's local network access checks)."""
    request = RequestFactory().get("/")
    request.user = member.user
    html = Template("{% load reports_map %}{% reports_live town %}").render(
        Context({"request": request, "town": town})
    )
    live = {
        "stream": re.search(r'data-live-stream="([^"]+)"', html).group(1),
        "since": re.search(r'data-live-since="([^"]+)"', html).group(1),
        "script": re.search(r'<script src="([^"]+)"', html).group(1),
    }
    other = page.context.new_page()
    other.add_init_script(ADD_LIVE % json.dumps(live))
    other.goto(f"/signalements/{report.pk}/")
    return other


def test_a_pin_tapped_on_a_phone_appears_live_on_the_map(
    new_context, asgi_server, map_town, live_neighbourhood
):
    anne = make_member(
        map_town, neighbourhood=live_neighbourhood, email="anne@example.org"
    )
    paul = make_member(
        map_town, neighbourhood=live_neighbourhood, email="paul@example.org"
    )
    category = make_report_category(map_town, "Éclairage public")

    _, watcher = _member_context(new_context, asgi_server, paul)
    watcher.goto("/carte/")
    expect(watcher.locator("[data-town-map] .leaflet-container")).to_be_visible()
    expect(watcher.locator("[data-reports-empty]")).to_be_visible()

    context, phone = _member_context(
        new_context,
        asgi_server,
        anne,
        # « Ma position »: the phone says it is in the town.
        geolocation={"latitude": 45.07, "longitude": 4.03},
        permissions=["geolocation"],
        **PHONE,
    )
    # Step 1, served with the site's own policy (no inline script allowed).
    policy = phone.request.get("/carte/").headers["content-security-policy"]
    step_one = STEP_ONE_PAGE.render(Context({"town": map_town}))
    context.route(
        f"{asgi_server}{STEP_ONE}",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": policy},
            body=step_one,
        ),
    )
    phone.goto(STEP_ONE)
    canvas = phone.locator("[data-pin-map-canvas]")
    expect(canvas).to_be_visible()
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

    # Step 2 is H1's: the report is filed with the picked position.
    report = make_report(
        anne,
        category,
        latitude=latitude,
        longitude=moved,
        address="Place de la Mairie",
    )
    card = watcher.locator(f'article[data-report="{report.pk}"]')
    expect(card).to_contain_text("Place de la Mairie")
    expect(watcher.locator(f'path[data-pin="{report.pk}"]')).to_have_count(1)
    expect(watcher.locator("[data-reports-announce]")).to_contain_text(
        "Nouveau signalement : Éclairage public — Place de la Mairie"
    )
    assert Report.objects.get().latitude == latitude

    # The report's page, with what `{% reports_live town %}` adds (H1's
    # template will carry the tag), in the same browser.
    timeline = _report_page_with_live(watcher, map_town, paul, report)
    entries = timeline.locator("[data-report-timeline] [data-update]")
    expect(entries).to_have_count(1)

    # A state change replaces the cards (and recolours the pin) and adds its
    # timeline entry once; so does a resident's note.
    agent = make_staff(map_town, Role.SERVICE)
    actions.check_change_state(agent, report, ReportState.ACKNOWLEDGED, "Vu.")
    expect(card.locator(".report-state")).to_have_text("pris en charge")
    expect(card).to_have_attribute("data-version", str(report.version))
    actions.check_add_note(anne, report, "Toujours éteint ce soir.", "note-1")
    expect(entries).to_have_count(3)
    expect(entries.last).to_contain_text("Toujours éteint ce soir.")
    expect(timeline.locator(".report-card .report-state")).to_have_text(
        "pris en charge"
    )
    # Hidden by moderation: card and pin leave the map page.
    actions.do_set_report_moderation(report, hidden=True)
    expect(card).to_have_count(0)
    expect(watcher.locator(f'path[data-pin="{report.pk}"]')).to_have_count(0)


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

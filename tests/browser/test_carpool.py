"""Car-pooling on a phone (375×667) in a real browser: a neighbour asks for a
seat with the form (the two meeting points placed on the maps), finds the
driver's matching offer in « Mes trajets » with « Écrire à … », and proposes
the ride they made; the form, « Mes trajets » and a trip's page pass axe.

Tiles never leave the machine: the tile server answers a blank picture."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from carpool.models import Match, Ride, Trip, TripKind
from tests.browser.conftest import PHONE
from tests.browser.support import assert_accessible, expect, login
from tests.browser.test_reports_map import BLANK_TILE
from tests.carpool.conftest import make_trip
from tests.factories import PASSWORD, NeighbourhoodFactory, make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_neighbour_asks_for_a_seat_on_a_phone_and_finds_the_offer(
    new_context, asgi_server, live_town, live_neighbourhood
):
    live_town.bounds_south, live_town.bounds_north = 45.0, 45.1
    live_town.bounds_west, live_town.bounds_east = 4.0, 4.1
    live_town.map_zoom = 12
    live_town.save()
    gare = NeighbourhoodFactory(town=live_town, name="Gare")
    paul = make_member(
        live_town, neighbourhood=live_neighbourhood, display_name="Paul M."
    )
    anne = make_member(live_town, neighbourhood=gare, display_name="Anne M.")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    offer = make_trip(
        paul,
        live_neighbourhood,
        gare,
        date=tomorrow.isoformat(),
        time="08:00",
        # The middle of the town, where the taps below land.
        from_latitude="45.05",
        from_longitude="4.05",
        to_latitude="45.055",
        to_longitude="4.055",
    )

    context = new_context(**PHONE)
    tiles = urlsplit(settings.SMARTCITIZEN["MAP_TILE_URL"])
    context.route(
        re.compile(f"^{re.escape(f'{tiles.scheme}://{tiles.netloc}')}/.*"),
        lambda route: route.fulfill(
            status=200, content_type="image/png", body=BLANK_TILE
        ),
    )
    phone = context.new_page()
    login(phone, asgi_server, anne.user.email, PASSWORD)
    phone.goto(f"{asgi_server}/covoiturage/proposer/")
    expect(phone.locator("main")).to_contain_text("Ne donnez pas votre adresse")
    phone.get_by_label("Je cherche une place").check()
    phone.get_by_label("Nombre de places").fill("1")
    phone.get_by_label("Quartier de départ").select_option(str(live_neighbourhood.pk))
    phone.get_by_label("Point de rendez-vous au départ").fill("Arrêt de bus Église")
    for prefix in ("from", "to"):
        canvas = phone.locator(
            f'[data-lat-input="{prefix}_latitude"] [data-pin-map-canvas]'
        )
        expect(canvas).to_be_visible()
        box = canvas.bounding_box()
        canvas.tap(position={"x": box["width"] / 2, "y": box["height"] / 2})
        expect(phone.locator(f"input[name={prefix}_latitude]")).not_to_have_value("")
    phone.get_by_label("Quartier d'arrivée").select_option(str(gare.pk))
    phone.get_by_label("Point de rendez-vous à l'arrivée").fill("Parvis de la gare")
    phone.get_by_label("Date (trajet unique)").fill(tomorrow.isoformat())
    phone.get_by_label("Heure de départ").fill("08:20")
    assert_accessible(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Enregistrer le trajet").tap()

    expect(phone.locator("main")).to_contain_text("1 trajet correspond au vôtre")
    request = Trip.objects.get(member=anne)
    assert request.kind == TripKind.REQUEST
    assert 45.0 <= request.from_latitude <= 45.1
    match = Match.objects.get()
    assert match.offer == offer
    expect(phone.get_by_role("button", name="Écrire à Paul M.")).to_be_visible()
    assert_accessible(phone)

    # The ride they made (today, as the date of a past ride).
    phone.get_by_label("Nous avons fait ce trajet le").fill(
        timezone.localdate().isoformat()
    )
    with phone.expect_navigation():
        phone.get_by_role("button", name="Nous avons fait ce trajet").tap()
    expect(phone.locator("main")).to_contain_text("en attente de la confirmation")
    assert Ride.objects.get().proposed_by == anne

    phone.goto(f"{asgi_server}/covoiturage/{offer.pk}/")
    expect(phone.locator("[data-trip-map] .leaflet-marker-icon")).to_have_count(2)
    assert_accessible(phone)

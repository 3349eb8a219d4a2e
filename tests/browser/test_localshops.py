"""Local shops on a phone: a member finds a producer in the directory (filter by
kind), reads its page with its small map, opens the town's map of businesses,
looks at June's produce and who has it, then logs « J'ai acheté ici » with a
photo of the receipt and sees the points; every page passes axe-core. Tiles
never leave the machine."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from PIL import Image

from community.models import HouseholdStatus
from localshops.models import LocalPurchase
from scoring.models import LedgerEntry
from tests.browser.conftest import PHONE
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, make_household, make_member
from tests.localshops.conftest import make_bakery_and_garden

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _png(size: int = 256) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (size, size), (0, 0, 0, 0)).save(out, "PNG")
    return out.getvalue()


def _receipt_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 200), "white").save(out, format="JPEG")
    return out.getvalue()


def test_a_member_finds_a_producer_and_logs_a_local_purchase_on_a_phone(
    new_context, asgi_server, live_town, live_neighbourhood
):
    live_town.bounds_south, live_town.bounds_north = 45.0, 45.1
    live_town.bounds_west, live_town.bounds_east = 4.0, 4.1
    live_town.save()
    household = make_household(live_neighbourhood, status=HouseholdStatus.ACTIVE)
    anne = make_member(live_town, household=household, email="anne@example.org")
    _, garden, _ = make_bakery_and_garden(live_town)

    context = new_context(**PHONE)
    tiles = urlsplit(settings.SMARTCITIZEN["MAP_TILE_URL"])
    blank = _png()
    context.route(
        re.compile(f"^{re.escape(f'{tiles.scheme}://{tiles.netloc}')}/.*"),
        lambda route: route.fulfill(status=200, content_type="image/png", body=blank),
    )
    phone = context.new_page()
    login(phone, asgi_server, anne.user.email, PASSWORD)

    phone.goto("/commerces/")
    expect(phone.locator("h1")).to_have_text("Commerces et producteurs")
    assert_accessible(phone)
    phone.get_by_label("Type").select_option("producer")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Filtrer").tap()
    cards = phone.locator(".shop-card")
    expect(cards).to_have_count(1)
    with phone.expect_navigation():
        phone.get_by_role("link", name="Les Jardins de la Lys").tap()

    expect(phone.locator("h1")).to_have_text("Les Jardins de la Lys")
    expect(phone.locator("[data-shop-map] .leaflet-marker-icon")).to_have_count(1)
    expect(phone.get_by_text("Mardi et vendredi, 16 h – 19 h")).to_be_visible()
    assert_accessible(phone)

    # The town's businesses on the map: the one with a position is a pin.
    phone.goto("/commerces/carte/")
    expect(phone.locator("[data-shop-map] .leaflet-marker-icon")).to_have_count(1)
    expect(phone.locator(".shop-places")).to_contain_text("Boulangerie du Pont")
    assert_accessible(phone)

    phone.goto("/commerces/de-saison/?mois=6")
    expect(phone.locator("h1")).to_have_text("De saison en juin")
    expect(phone.locator(".season-list")).to_contain_text("Les Jardins de la Lys")
    assert_accessible(phone)

    phone.goto(f"/commerces/{garden.pk}/")
    with phone.expect_navigation():
        phone.get_by_role("link", name="J'ai acheté ici").tap()
    expect(phone.get_by_label("Commerce ou producteur")).to_have_value(str(garden.pk))
    phone.get_by_label("Montant en euros (facultatif)").fill("7.40")
    phone.get_by_label("Photo du ticket de caisse").set_input_files(
        {"name": "ticket.jpg", "mimeType": "image/jpeg", "buffer": _receipt_jpeg()}
    )
    with phone.expect_navigation():
        phone.get_by_role("button", name="Enregistrer mon achat").tap()
    expect(phone.locator("main")).to_contain_text("Merci d'avoir acheté local")
    expect(phone.locator(".purchase-list li")).to_have_count(1)
    assert_accessible(phone)

    purchase = LocalPurchase.objects.get()
    assert purchase.business_id == garden.pk
    assert LedgerEntry.objects.get(household=household).proof == "photo"

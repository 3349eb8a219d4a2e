"""« J'ai acheté local »: a real photo earns points once per form key, a bad file
changes nothing, the daily cap, and the receipt stays the household's."""

import io

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from community.models import Role
from localshops.actions import MAX_PURCHASES_PER_DAY
from localshops.models import LocalPurchase
from scoring import client as scoring
from scoring.models import LedgerEntry
from tests.factories import make_member, make_staff, make_town
from tests.localshops.conftest import jpeg

pytestmark = pytest.mark.django_db

URL = "/commerces/achat-local/"


def shown_key(client) -> str:
    page = client.get(URL)
    assert page.status_code == 200
    return page.context["form"].initial["client_key"]


def bought(client, business, key: str, receipt=None, amount: str = "12.40"):
    return client.post(
        URL,
        {
            "business": business.pk,
            "amount": amount,
            "client_key": key,
            "receipt": receipt if receipt is not None else jpeg(),
        },
    )


def test_a_purchase_with_a_receipt_earns_points_once_per_form(client, resident, shops):
    assert reverse("localshops:buy") == URL
    client.force_login(resident.user)
    key = shown_key(client)
    first = bought(client, shops["garden"], key)
    second = bought(client, shops["garden"], key)  # a double submit
    assert first.status_code == second.status_code == 302

    [purchase] = LocalPurchase.objects.filter(household=resident.household)
    assert purchase.business_name == "Les Jardins de la Lys"
    assert str(purchase.amount) == "12.40"
    [entry] = LedgerEntry.objects.filter(household=resident.household)
    assert entry.proof == "photo" and entry.domain == "local_food"
    assert entry.points == purchase.points_awarded > 0
    assert scoring.get_points(resident.household)["total"] == entry.points

    # The receipt: private storage, re-encoded, without the phone's EXIF.
    stored = storages["exports"].open(purchase.receipt.name).read()
    assert "IMG_2041" not in purchase.receipt.name
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not image.getexif()
    page = client.get(URL).content.decode()
    assert "Merci d&#x27;avoir acheté local" in page or "Merci d'avoir" in page
    assert "Cet achat était déjà enregistré." in page
    assert reverse("localshops:receipt", args=[purchase.pk]) in page


def test_a_file_that_is_not_a_picture_is_refused_and_nothing_changes(
    client, resident, shops
):
    client.force_login(resident.user)
    key = shown_key(client)
    fake = SimpleUploadedFile("ticket.jpg", b"pas une image", "image/jpeg")
    refused = bought(client, shops["garden"], key, receipt=fake, amount="8.50")
    assert refused.status_code == 200
    content = refused.content.decode()
    assert "pas une image lisible" in content
    assert 'value="8.50"' in content  # what was typed stays
    assert not LocalPurchase.objects.exists()
    assert not LedgerEntry.objects.exists()
    # The same form with a real photo then goes through.
    assert bought(client, shops["garden"], key).status_code == 302
    assert LedgerEntry.objects.count() == 1


def test_a_receipt_is_required_and_the_shop_must_be_of_the_town(
    client, resident, shops
):
    client.force_login(resident.user)
    key = shown_key(client)
    no_photo = client.post(URL, {"business": shops["garden"].pk, "client_key": key})
    assert no_photo.status_code == 200 and no_photo.context["form"].errors["receipt"]
    hidden = bought(client, shops["hidden"], key)
    assert hidden.status_code == 200 and hidden.context["form"].errors["business"]
    assert not LocalPurchase.objects.exists()


def test_the_daily_cap_is_said_clearly(client, resident, shops):
    client.force_login(resident.user)
    for _ in range(MAX_PURCHASES_PER_DAY):
        assert bought(client, shops["cheese"], shown_key(client)).status_code == 302
    over = bought(client, shops["cheese"], shown_key(client))
    assert over.status_code == 200
    assert "le maximum par jour" in over.content.decode()
    assert LocalPurchase.objects.count() == MAX_PURCHASES_PER_DAY
    assert LedgerEntry.objects.count() == MAX_PURCHASES_PER_DAY


def test_the_receipt_is_for_the_household_and_the_towns_moderators_only(
    client, town, resident, shops
):
    client.force_login(resident.user)
    bought(client, shops["garden"], shown_key(client))
    purchase = LocalPurchase.objects.get()
    url = reverse("localshops:receipt", args=[purchase.pk])

    own = client.get(url)
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg"
    assert "no-store" in own["Cache-Control"]
    assert b"".join(own.streaming_content)[:2] == b"\xff\xd8"

    partner = make_member(town, household=resident.household)
    client.force_login(partner.user)
    assert client.get(url).status_code == 200  # the same household

    neighbour = make_member(town, neighbourhood=resident.household.neighbourhood)
    client.force_login(neighbour.user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404

    client.force_login(make_staff(town, Role.MODERATOR))
    assert client.get(url).status_code == 200
    other = make_town("Rivemont", hostname="rivemont.test")
    client.force_login(make_staff(other, Role.MODERATOR))
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HOST="rivemont.test").status_code == 404


def test_the_form_is_for_signed_in_members(client, shops):
    response = client.get(URL)
    assert response.status_code == 302
    assert not LocalPurchase.objects.exists()

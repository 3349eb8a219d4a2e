"""Fixtures of the localshops tests: a town with a reward shop, producers, a
seasonal calendar, and a resident whose household is active."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from challenges.models import Reward, Shop
from community.models import HouseholdStatus
from localshops import actions
from localshops.models import BusinessKind, LocalBusiness, Produce, month_bit
from tests.factories import make_household, make_member


def jpeg(name: str = "IMG_2041.jpg") -> SimpleUploadedFile:
    """A real JPEG with an EXIF block (a phone's, with its maker)."""
    image = Image.new("RGB", (80, 60), "#c84")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), "image/jpeg")


def months(*numbers: int) -> int:
    return sum(month_bit(n) for n in numbers)


@pytest.fixture
def resident(town, neighbourhood):
    household = make_household(neighbourhood, status=HouseholdStatus.ACTIVE)
    return make_member(town, household=household, display_name="Paul D.")


def make_bakery_and_garden(town) -> tuple[LocalBusiness, LocalBusiness, Produce]:
    """A bakery taking the rewards (one offer) and a market gardener with
    strawberries (May to July), placed at 45.05, 4.05."""
    shop = Shop.objects.create(town=town, name="Boulangerie du Pont", address="1 rue")
    Reward.objects.create(shop=shop, title="Une baguette offerte", points=30)
    bakery = actions.do_ensure_business_for_shop(shop)
    strawberry = Produce.objects.create(
        town=town, name="Fraise", category="fruit", months=months(5, 6, 7)
    )
    garden = LocalBusiness.objects.create(
        town=town,
        name="Les Jardins de la Lys",
        kind=BusinessKind.PRODUCER,
        description="Légumes et fruits de saison.",
        opening_hours="Mardi et vendredi, 16 h – 19 h",
        address="Chemin des Prés",
        latitude=45.05,
        longitude=4.05,
    )
    garden.products.set([strawberry])
    return bakery, garden, strawberry


@pytest.fixture
def shops(town):
    """The bakery and the garden, a cheese stall, and a hidden shop; produce of
    June and of winter."""
    bakery, garden, strawberry = make_bakery_and_garden(town)
    leek = Produce.objects.create(
        town=town, name="Poireau", category="vegetable", months=months(1, 2, 11, 12)
    )
    garden.products.add(leek)
    cheese = LocalBusiness.objects.create(
        town=town, name="Fromagerie Morel", kind=BusinessKind.MARKET_STALL
    )
    hidden = LocalBusiness.objects.create(
        town=town, name="Ancienne épicerie", kind=BusinessKind.SHOP, active=False
    )
    hidden.products.set([strawberry])
    return {
        "bakery": bakery,
        "garden": garden,
        "cheese": cheese,
        "hidden": hidden,
        "strawberry": strawberry,
        "leek": leek,
    }


@pytest.fixture(autouse=True)
def second_town_host(settings) -> None:
    """Rivemont's host name, for the tests that ask its site."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "rivemont.test"]

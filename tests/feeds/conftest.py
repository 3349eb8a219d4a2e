"""Fixtures of the feeds tests: members of one town, another town, pictures."""

import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community.models import Member
from feeds import actions
from feeds.models import Post
from tests.factories import NeighbourhoodFactory, make_member, make_town

_keys = itertools.count(1)


def key() -> str:
    """A fresh client key, as a form renders one."""
    return f"cle-{next(_keys)}"


def post_as(member: Member, body: str = "Bonjour le quartier", **kwargs) -> Post:
    """A post written through the real action."""
    kwargs.setdefault("client_key", key())
    return actions.check_create_post(member, body=body, **kwargs)


def jpeg_with_gps(size: tuple[int, int] = (1200, 900)) -> SimpleUploadedFile:
    """A phone-like JPEG carrying an EXIF block with a GPS position."""
    image = Image.new("RGB", size, "#3a7")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("IMG_2026_chez_moi.jpg", out.getvalue(), "image/jpeg")


def png(size: tuple[int, int] = (64, 64)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", size, (200, 30, 30, 128)).save(out, format="PNG")
    return SimpleUploadedFile("dessin.png", out.getvalue(), "image/png")


@pytest.fixture
def neighbour(town, neighbourhood) -> Member:
    """Another resident of the same neighbourhood."""
    return make_member(town, neighbourhood=neighbourhood, display_name="Paul M.")


@pytest.fixture
def far_neighbour(town) -> Member:
    """A resident of another neighbourhood of the same town."""
    return make_member(
        town, neighbourhood=NeighbourhoodFactory(town=town), display_name="Zoé L."
    )


@pytest.fixture
def stranger(db) -> Member:
    """A resident of another town."""
    other = make_town("Autre-Ville", hostname="autre-ville.test")
    return make_member(
        other, neighbourhood=NeighbourhoodFactory(town=other), display_name="Ines"
    )


@pytest.fixture(autouse=True)
def generous_rates(settings) -> None:
    """Tests that build many items are no flood; the rate tests set low limits."""
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "POST_RATE": (10_000, 600),
        "COMMENT_RATE": (10_000, 600),
        "MESSAGE_RATE": (10_000, 60),
    }

"""Pictures of the demo town, drawn with Pillow at seed time: faces and scenes.

Nothing is downloaded: every picture is a few shapes on a gradient, drawn from
a seed, so that two seeds of the demo give the same pictures. They are JPEG
files handed to the site's own upload paths (a profile picture, a post's
pictures, a Wagtail image), which check and re-encode them like any upload.
"""

import io
import random
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

Colour = tuple[int, int, int]

SKIN = [
    (246, 214, 190),
    (234, 192, 160),
    (206, 152, 112),
    (160, 108, 72),
    (110, 72, 50),
]
HAIR = [(40, 30, 25), (90, 60, 35), (160, 110, 60), (210, 180, 120), (120, 120, 125)]
SHIRTS = [(29, 95, 138), (46, 107, 48), (138, 59, 18), (106, 61, 143), (36, 92, 92)]
BACKDROPS = [(220, 234, 245), (236, 242, 222), (247, 232, 220), (236, 228, 246)]


def as_upload(picture: Image.Image, name: str) -> SimpleUploadedFile:
    """The picture as an uploaded JPEG file, as a browser would send it."""
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    width, height = size
    picture = Image.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        share = y / max(1, height - 1)
        colour = tuple(
            round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True)
        )
        draw.line([(0, y), (width, y)], fill=colour)
    return picture


def portrait(seed: int, *, long_hair: bool, size: int = 256) -> Image.Image:
    """An illustrated face: backdrop, shoulders, head, hair, eyes and a smile."""
    rng = random.Random(seed)  # noqa: S311 - demo pictures, not secrets
    backdrop = rng.choice(BACKDROPS)
    picture = _gradient((size, size), backdrop, tuple(c - 25 for c in backdrop))
    draw = ImageDraw.Draw(picture)
    unit = size / 16
    skin, hair, shirt = rng.choice(SKIN), rng.choice(HAIR), rng.choice(SHIRTS)
    # Shoulders, neck, then the head over them.
    draw.ellipse([2 * unit, 11 * unit, 14 * unit, 20 * unit], fill=shirt)
    draw.rectangle([6.8 * unit, 9 * unit, 9.2 * unit, 12 * unit], fill=skin)
    if long_hair:
        draw.rounded_rectangle(
            [4 * unit, 3 * unit, 12 * unit, 12.5 * unit], radius=3 * unit, fill=hair
        )
    draw.ellipse([4.6 * unit, 3 * unit, 11.4 * unit, 11 * unit], fill=skin)
    # Hair over the forehead.
    draw.chord([4.3 * unit, 2.4 * unit, 11.7 * unit, 8 * unit], 180, 360, fill=hair)
    eye_y = 6.9 * unit
    for x in (6.6 * unit, 9.4 * unit):
        draw.ellipse(
            [
                x - 0.35 * unit,
                eye_y - 0.35 * unit,
                x + 0.35 * unit,
                eye_y + 0.35 * unit,
            ],
            fill=(40, 35, 35),
        )
    draw.arc(
        [6.6 * unit, 7.6 * unit, 9.4 * unit, 9.6 * unit],
        20,
        160,
        fill=(150, 60, 60),
        width=max(2, size // 80),
    )
    if rng.random() < 0.25:  # glasses
        for x in (6.6 * unit, 9.4 * unit):
            draw.ellipse(
                [
                    x - 0.9 * unit,
                    eye_y - 0.8 * unit,
                    x + 0.9 * unit,
                    eye_y + 0.8 * unit,
                ],
                outline=(50, 50, 60),
                width=max(2, size // 100),
            )
    return picture


def _sun(draw: ImageDraw.ImageDraw, x: int, y: int, radius: int) -> None:
    draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(255, 214, 90))


def vegetable_garden(size: tuple[int, int] = (800, 600)) -> Image.Image:
    """Rows of vegetables under a summer sky."""
    width, height = size
    picture = _gradient(size, (150, 200, 240), (225, 240, 250))
    draw = ImageDraw.Draw(picture)
    _sun(draw, width - 120, 100, 50)
    horizon = height * 2 // 5
    draw.rectangle([0, horizon, width, height], fill=(120, 84, 52))
    for row in range(5):
        y = horizon + 40 + row * 65
        draw.rectangle([0, y + 18, width, y + 30], fill=(96, 64, 40))
        for x in range(30 + (row % 2) * 30, width, 60):
            green = (50 + row * 15, 140 + row * 10, 60)
            draw.ellipse([x - 22, y - 20, x + 22, y + 20], fill=green)
            if row == 2:  # tomatoes
                draw.ellipse([x - 6, y - 4, x + 8, y + 10], fill=(210, 50, 40))
    return picture


def bicycle(size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A town bike with a basket, in front of a wall."""
    width, height = size
    picture = _gradient(size, (240, 228, 210), (214, 196, 170))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, height - 140, width, height], fill=(150, 150, 150))
    ground = height - 170
    back, front, radius = (250, ground), (560, ground), 110
    for cx, cy in (back, front):
        draw.ellipse(
            [cx - radius, cy - radius, cx + radius, cy + radius],
            outline=(30, 30, 30),
            width=14,
        )
        draw.ellipse([cx - 12, cy - 12, cx + 12, cy + 12], fill=(60, 60, 60))
    frame = (29, 95, 138)
    pedal, seat, bar = (390, ground), (330, ground - 170), (520, ground - 190)
    for start, end in (
        (back, pedal),
        (pedal, seat),
        (seat, back),
        (seat, bar),
        (pedal, bar),
        (bar, front),
    ):
        draw.line([start, end], fill=frame, width=14)
    draw.rounded_rectangle(
        [290, ground - 190, 370, ground - 170], radius=8, fill=(40, 30, 25)
    )
    draw.line([(500, ground - 200), (560, ground - 215)], fill=(40, 40, 40), width=10)
    draw.rectangle(
        [540, ground - 270, 650, ground - 200], outline=(150, 100, 50), width=10
    )
    draw.ellipse([560, ground - 300, 600, ground - 260], fill=(200, 60, 40))
    draw.ellipse([595, ground - 295, 630, ground - 262], fill=(250, 180, 40))
    return picture


def compost_bin(size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A wooden compost bin in a garden, peelings on top."""
    width, height = size
    picture = _gradient(size, (190, 220, 240), (235, 245, 250))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, height // 2, width, height], fill=(96, 150, 70))
    left, right, top, bottom = 220, 580, 230, 520
    draw.rectangle([left - 20, top - 30, right + 20, top + 10], fill=(70, 50, 30))
    for y in range(top, bottom, 48):
        draw.rectangle([left, y, right, y + 38], fill=(170, 120, 70))
    for x in (left, right - 24):
        draw.rectangle([x, top, x + 24, bottom], fill=(130, 90, 50))
    for x, colour in (
        (300, (240, 140, 40)),
        (380, (120, 170, 60)),
        (470, (200, 60, 50)),
    ):
        draw.ellipse([x - 30, top - 60, x + 30, top - 20], fill=colour)
    return picture


def market_basket(size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A basket of local vegetables on a market stall."""
    width, height = size
    picture = _gradient(size, (250, 236, 200), (240, 210, 160))
    draw = ImageDraw.Draw(picture)
    for x in range(0, width, 80):  # the stall's awning
        colour = (200, 50, 50) if (x // 80) % 2 == 0 else (250, 250, 245)
        draw.rectangle([x, 0, x + 80, 90], fill=colour)
    draw.rectangle([0, 420, width, height], fill=(150, 100, 60))
    draw.chord([200, 220, 600, 540], 0, 180, fill=(190, 140, 80))
    for x, y, colour in (
        (280, 300, (240, 130, 30)),
        (360, 280, (90, 160, 60)),
        (440, 300, (200, 40, 60)),
        (520, 310, (240, 200, 60)),
    ):
        draw.ellipse([x - 45, y - 45, x + 45, y + 45], fill=colour)
    draw.arc([230, 150, 570, 480], 180, 360, fill=(120, 80, 40), width=16)
    return picture


def water_tap(size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A tap with its aerator and a thin stream of water."""
    picture = _gradient(size, (225, 238, 245), (190, 215, 230))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 480, size[0], size[1]], fill=(235, 235, 240))
    draw.rounded_rectangle([180, 160, 520, 220], radius=25, fill=(160, 165, 175))
    draw.rectangle([470, 200, 530, 300], fill=(160, 165, 175))
    draw.rectangle([462, 300, 538, 330], fill=(90, 95, 105))
    draw.rectangle([493, 330, 507, 480], fill=(120, 180, 230))
    draw.ellipse([430, 460, 570, 500], fill=(140, 195, 235))
    return picture


def thermostat(size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A round thermostat set at 19 degrees, as a dial."""
    picture = _gradient(size, (250, 240, 230), (235, 220, 205))
    draw = ImageDraw.Draw(picture)
    cx, cy, radius = size[0] // 2, size[1] // 2, 200
    draw.ellipse(
        [cx - radius, cy - radius, cx + radius, cy + radius],
        fill=(245, 245, 245),
        outline=(120, 120, 130),
        width=10,
    )
    # The dial: the set part in orange, the rest grey.
    dial = [cx - 160, cy - 160, cx + 160, cy + 160]
    for start, end, colour in ((135, 300, (230, 120, 40)), (300, 405, (200, 200, 205))):
        draw.arc(dial, start, end, fill=colour, width=26)
    draw.ellipse([cx - 20, cy - 20, cx + 20, cy + 20], fill=(80, 80, 90))
    draw.line([(cx, cy), (cx + 90, cy - 80)], fill=(80, 80, 90), width=12)
    return picture


# What each scene shows, as its alternative text.
CAPTIONS = {
    "garden": "Le potager partagé : des rangs de salades et de tomates au soleil",
    "bike": "Un vélo bleu avec un panier de fruits à l'avant",
    "compost": "Un bac à compost en bois, des épluchures posées dessus",
    "basket": "Un panier de légumes de saison sur un étal du marché",
    "tap": "Un robinet équipé d'un mousseur, un mince filet d'eau",
    "thermostat": "Un thermostat rond réglé sur 19 °C",
}
SCENES: dict[str, Callable[[], Image.Image]] = {
    "garden": vegetable_garden,
    "bike": bicycle,
    "compost": compost_bin,
    "basket": market_basket,
    "tap": water_tap,
    "thermostat": thermostat,
}

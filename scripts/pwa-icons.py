"""Draw the installable app's icons (docs/pwa.md) with Pillow: the favicon's
drop and sprout on the brand green, at the sizes browsers ask for.

    .venv/bin/python scripts/pwa-icons.py

writes static/pwa/icon-192.png, icon-512.png, icon-maskable-512.png (the
drawing inside the 80 % safe zone of a maskable icon), apple-touch-icon.png
(180 px, opaque, square: iOS rounds it itself) and badge-96.png (a white
silhouette on transparency: Android's notification badge uses only the alpha).
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "static" / "pwa"
BRAND = (17, 96, 59, 255)  # --color-brand in static/css/site.css
WHITE = (255, 255, 255, 255)
SCALE = 4  # drawn larger, then reduced: smooth edges without anti-aliasing calls


def _drop(draw: ImageDraw.ImageDraw, size: int, box: float, fill, stem) -> None:
    """The favicon's drop (32-unit drawing) centred in `box` (a share of size)."""
    unit = size * box / 32
    left = (size - 32 * unit) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return (left + x * unit, left + y * unit)

    # The drop: a circle of radius 9 at (16, 20) under a triangle up to (16, 5).
    cx, cy = at(16, 20)
    radius = 9 * unit
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=fill)
    draw.polygon([at(16, 4.5), at(7.6, 17.5), at(24.4, 17.5)], fill=fill)
    if stem is None:
        return
    width = max(1, round(2 * unit))
    draw.line([at(16, 14), at(16, 27)], fill=stem, width=width)
    draw.line([at(16, 19), at(12, 16)], fill=stem, width=width)
    draw.line([at(16, 22), at(20, 19)], fill=stem, width=width)


def icon(size: int, *, box: float, rounded: bool, name: str) -> None:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle(
            (0, 0, big - 1, big - 1), radius=big * 7 // 32, fill=BRAND
        )
    else:
        draw.rectangle((0, 0, big, big), fill=BRAND)
    _drop(draw, big, box, WHITE, BRAND)
    image.resize((size, size), Image.Resampling.LANCZOS).save(OUT / name, optimize=True)


def badge(size: int, name: str) -> None:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    _drop(ImageDraw.Draw(image), big, 0.9, WHITE, None)
    image.resize((size, size), Image.Resampling.LANCZOS).save(OUT / name, optimize=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icon(192, box=0.8, rounded=True, name="icon-192.png")
    icon(512, box=0.8, rounded=True, name="icon-512.png")
    # Maskable: full bleed, the drawing within the central 80 % circle.
    icon(512, box=0.6, rounded=False, name="icon-maskable-512.png")
    icon(180, box=0.75, rounded=False, name="apple-touch-icon.png")
    badge(96, "badge-96.png")


if __name__ == "__main__":
    main()

"""The printable invitation card: its QR code, drawn as SVG (no image library)."""

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str) -> SafeString:
    """An inline SVG QR code for a URL, sized by CSS (it carries a viewBox)."""
    image = qrcode.make(
        url,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    # Only paths built by qrcode from the URL's bits: no text of ours inside.
    return mark_safe(svg)  # noqa: S308

"""Proof photos: checked by Pillow (community.images), resized, without EXIF."""

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps

from community.images import check_image_upload


def make_proof_photo(upload: UploadedFile) -> ContentFile:
    """A JPEG of the upload, turned upright, at most the configured long side."""
    config = settings.SMARTCITIZEN
    check_image_upload(upload, config["CHALLENGE_PHOTO_MAX_BYTES"])
    size = config["CHALLENGE_PHOTO_SIZE"]
    with Image.open(upload) as source:
        # exif_transpose applies the phone's rotation before the EXIF is dropped.
        upright = ImageOps.exif_transpose(source).convert("RGB")
    upright.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= argument: the file carries no EXIF block (no GPS position).
    upright.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="preuve.jpg")

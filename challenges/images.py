"""Proof photos: checked by Pillow, resized, without EXIF (community.images)."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from community.images import make_resized_jpeg


def make_proof_photo(upload: UploadedFile) -> ContentFile:
    """A JPEG of the upload, turned upright, at most the configured long side."""
    config = settings.SMARTCITIZEN
    return make_resized_jpeg(
        upload,
        max_bytes=config["CHALLENGE_PHOTO_MAX_BYTES"],
        long_side=config["CHALLENGE_PHOTO_SIZE"],
        name="preuve.jpg",
    )

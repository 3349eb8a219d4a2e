"""Uploaded pictures: checked by Pillow, size-limited, re-encoded without EXIF."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def check_image_upload(upload: UploadedFile, max_bytes: int) -> None:
    """Refuse a file that is too large or that Pillow cannot read as a picture."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("L'image dépasse la taille maximale de %(size)d Mo.")
            % {"size": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("Ce fichier n'est pas une image lisible (JPEG, PNG, WebP ou GIF)."),
            code="invalid_image",
        ) from None
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("Format d'image non accepté : utilisez JPEG, PNG, WebP ou GIF."),
            code="invalid_format",
        )


def make_avatar(upload: UploadedFile) -> ContentFile:
    """A square JPEG thumbnail of the upload, turned upright, with no metadata."""
    config = settings.SMARTCITIZEN
    check_image_upload(upload, config["AVATAR_MAX_BYTES"])
    size = config["AVATAR_SIZE"]
    with Image.open(upload) as source:
        # exif_transpose applies the phone's rotation before the EXIF is dropped.
        upright = ImageOps.exif_transpose(source).convert("RGB")
    thumbnail = ImageOps.fit(upright, (size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= argument: the saved file carries no EXIF block (no GPS position).
    thumbnail.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="avatar.jpg")

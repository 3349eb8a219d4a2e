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


def upright_rgb(upload: UploadedFile) -> Image.Image:
    """The picture turned as the phone held it, on white where it was transparent."""
    with Image.open(upload) as source:
        # exif_transpose applies the phone's rotation before the EXIF is dropped.
        upright = ImageOps.exif_transpose(source)
        if upright.mode in ("RGBA", "LA", "P"):
            upright = upright.convert("RGBA")
            background = Image.new("RGB", upright.size, "white")
            background.paste(upright, mask=upright.getchannel("A"))
            return background
        return upright.convert("RGB")


def jpeg_file(image: Image.Image, name: str) -> ContentFile:
    """The picture re-encoded as JPEG, with no metadata."""
    out = io.BytesIO()
    # No exif= argument: the saved file carries no EXIF block (no GPS position).
    image.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=name)


def make_resized_jpeg(
    upload: UploadedFile, *, max_bytes: int, long_side: int, name: str
) -> ContentFile:
    """A checked upload at most `long_side` pixels on its long side, as JPEG."""
    check_image_upload(upload, max_bytes)
    image = upright_rgb(upload)
    image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    return jpeg_file(image, name)


def make_avatar(upload: UploadedFile) -> ContentFile:
    """A square JPEG thumbnail of the upload, turned upright, with no metadata."""
    config = settings.SMARTCITIZEN
    check_image_upload(upload, config["AVATAR_MAX_BYTES"])
    size = config["AVATAR_SIZE"]
    square = ImageOps.fit(upright_rgb(upload), (size, size), Image.Resampling.LANCZOS)
    return jpeg_file(square, "avatar.jpg")

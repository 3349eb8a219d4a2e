"""Pictures of posts: checked by Pillow, size-limited, re-encoded without EXIF."""

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps

from community.images import check_image_upload


def _upright_rgb(upload: UploadedFile) -> Image.Image:
    with Image.open(upload) as source:
        # exif_transpose applies the phone's rotation before the EXIF is dropped.
        upright = ImageOps.exif_transpose(source)
        if upright.mode in ("RGBA", "LA", "P"):
            upright = upright.convert("RGBA")
            background = Image.new("RGB", upright.size, "white")
            background.paste(upright, mask=upright.getchannel("A"))
            return background
        return upright.convert("RGB")


def _jpeg(image: Image.Image, name: str) -> ContentFile:
    out = io.BytesIO()
    # No exif= argument: the saved file carries no EXIF block (no GPS position).
    image.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=name)


def check_post_image(upload: UploadedFile) -> None:
    """Refuse a file that is too large or that Pillow cannot read as a picture."""
    check_image_upload(upload, settings.SMARTCITIZEN["POST_IMAGE_MAX_BYTES"])


def make_post_image(upload: UploadedFile) -> tuple[ContentFile, ContentFile]:
    """The picture at most 1600 px on its long side, and a thumbnail, as JPEG."""
    config = settings.SMARTCITIZEN
    check_post_image(upload)
    upright = _upright_rgb(upload)
    large = upright.copy()
    large.thumbnail((config["POST_IMAGE_SIZE"],) * 2, Image.Resampling.LANCZOS)
    small = upright.copy()
    small.thumbnail((config["POST_THUMBNAIL_SIZE"],) * 2, Image.Resampling.LANCZOS)
    return _jpeg(large, "image.jpg"), _jpeg(small, "vignette.jpg")

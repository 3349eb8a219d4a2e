"""Pictures of posts: checked by Pillow, size-limited, re-encoded without EXIF."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image

from community.images import check_image_upload, jpeg_file, upright_rgb


def check_post_image(upload: UploadedFile) -> None:
    """Refuse a file that is too large or that Pillow cannot read as a picture."""
    check_image_upload(upload, settings.SMARTCITIZEN["POST_IMAGE_MAX_BYTES"])


def make_post_image(upload: UploadedFile) -> tuple[ContentFile, ContentFile]:
    """The picture at most 1600 px on its long side, and a thumbnail, as JPEG."""
    config = settings.SMARTCITIZEN
    check_post_image(upload)
    upright = upright_rgb(upload)
    large = upright.copy()
    large.thumbnail((config["POST_IMAGE_SIZE"],) * 2, Image.Resampling.LANCZOS)
    small = upright.copy()
    small.thumbnail((config["POST_THUMBNAIL_SIZE"],) * 2, Image.Resampling.LANCZOS)
    return jpeg_file(large, "image.jpg"), jpeg_file(small, "vignette.jpg")

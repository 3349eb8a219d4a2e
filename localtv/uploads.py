"""The proposal form's upload handler: a video past the size limit is dropped
while it arrives, not stored whole and refused afterwards."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


def max_bytes() -> int:
    return int(settings.LOCALTV_MAX_BYTES)


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips any file past LOCALTV_MAX_BYTES, and notes that it did.

    First of FILE_UPLOAD_HANDLERS: once a file is too big, the next handlers
    (Django's memory and temporary-file ones) receive nothing more of it and
    drop what they had; the rest of that file is read and thrown away, and the
    view tells the member why (a missing file, `too_big` set)."""

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.received = 0
        self.too_big = False

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_bytes():
            self.too_big = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

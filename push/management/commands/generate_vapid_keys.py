"""Print a new VAPID key pair in the form the settings take (docs/push.md)."""

from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand
from py_vapid import Vapid02, b64urlencode


def new_key_pair() -> tuple[str, str]:
    """(public, private): the uncompressed P-256 point and the raw 32-byte
    private value, base64url without padding."""
    vapid = Vapid02()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64urlencode(public), b64urlencode(private)


class Command(BaseCommand):
    help = "Print a new VAPID key pair as VAPID_PUBLIC_KEY=… and VAPID_PRIVATE_KEY=…"

    def handle(self, *args, **options) -> None:
        public, private = new_key_pair()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")

"""VAPID key pairs for web push (docs/push.md): a new pair, and the pair of a
development checkout kept in a file of its own.

In the settings layer: `manage.py generate_vapid_keys` (push) prints a new
pair; the development settings (`make run`) read or make the checkout's pair,
so that the demo offers push without any set-up.
"""

import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
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


def local_key_pair(path: Path) -> tuple[str, str]:
    """The pair stored at `path` (readable by its owner only), made on first use."""
    try:
        stored = json.loads(path.read_text())
        return stored["public"], stored["private"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    public, private = new_key_pair()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump({"public": public, "private": private}, file)
    return public, private

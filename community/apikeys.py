"""Keys of machine clients (Open311 partners, sensor gateways): created,
revoked and checked here. A key is `<prefix>.<secret>`; only the SHA-256 of the
whole key is stored, so a stolen database opens nothing."""

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from community.models import ApiKey, ApiKeyPurpose, TownPage

PREFIX_BYTES = 6  # 8 characters of URL-safe base64
SECRET_BYTES = 24
# A presented key longer than this is garbage, refused before hashing.
MAX_KEY_LENGTH = 80
# last_used_at is written at most this often per key (a busy gateway would
# otherwise write the row on every request).
TOUCH_SECONDS = 60


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def do_create_api_key(
    town: TownPage, purpose: ApiKeyPurpose | str, name: str
) -> tuple[ApiKey, str]:
    """Create a key; answer the row and the key itself (shown once, never kept)."""
    purpose = ApiKeyPurpose(purpose)
    name = name.strip()[:120]
    if not name:
        raise ValueError("an API key needs a name")
    while True:
        prefix = secrets.token_urlsafe(PREFIX_BYTES)
        if "." not in prefix and not ApiKey.objects.filter(prefix=prefix).exists():
            break
    raw = f"{prefix}.{secrets.token_urlsafe(SECRET_BYTES)}"
    key = ApiKey.objects.create(
        town=town, purpose=purpose, name=name, prefix=prefix, key_hash=_digest(raw)
    )
    return key, raw


def do_revoke_api_key(key: ApiKey) -> None:
    """Revoke a key: every later request with it is refused."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])


def access_api_key(raw: object, purpose: ApiKeyPurpose | str) -> ApiKey | None:
    """The active key of this purpose that `raw` is, or None (unknown, revoked,
    malformed, other purpose). Constant-time on the secret part."""
    if not isinstance(raw, str) or not 0 < len(raw) <= MAX_KEY_LENGTH:
        return None
    prefix, dot, _secret = raw.partition(".")
    if not dot or not prefix:
        return None
    key = (
        ApiKey.objects.select_related("town")
        .filter(prefix=prefix, purpose=purpose, revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.key_hash, _digest(raw)):
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > (
        TOUCH_SECONDS
    ):
        # A plain UPDATE outside the caller's transaction: a refused request
        # still counts as a use, and nothing waits on this row's lock.
        with transaction.atomic():
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key

"""Every write to push's tables: devices and preferences (docs/push.md)."""

import base64
import binascii
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Member
from push.browsers import browser_label
from push.models import PushDevice, PushKind, PushPreference

ENDPOINT_MAX_LENGTH = 2000
# A member's devices beyond this: the least recently used one goes.
DEVICES_PER_MEMBER = 20
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


def _key_bytes(value: object, size: int, field: str) -> str:
    """A base64url key of exactly `size` bytes, as the browser gave it."""
    message = _("La clé « %(field)s » de l'abonnement n'est pas valable.") % {
        "field": field
    }
    if not isinstance(value, str) or len(value) > 200:
        raise ValidationError(message, code="bad_key")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValidationError(message, code="bad_key") from error
    if len(raw) != size or (field == "p256dh" and raw[0] != 4):
        raise ValidationError(message, code="bad_key")
    return value.rstrip("=")


def clean_endpoint(endpoint: object) -> str:
    """An https push service URL (http on this machine only for the emulator)."""
    message = _("L'adresse du service push n'est pas valable.")
    if not isinstance(endpoint, str) or len(endpoint) > ENDPOINT_MAX_LENGTH:
        raise ValidationError(message, code="bad_endpoint")
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
    except ValueError as error:
        raise ValidationError(message, code="bad_endpoint") from error
    local_allowed = settings.DEBUG or settings.SMARTCITIZEN["PUSH_LOCAL_ENDPOINTS"]
    if parts.scheme == "https" and host and host not in LOCAL_HOSTS:
        return endpoint
    if parts.scheme == "http" and host in LOCAL_HOSTS and local_allowed:
        return endpoint
    raise ValidationError(message, code="bad_endpoint")


def check_register_device(
    member: Member, *, endpoint: object, p256dh: object, auth: object, user_agent: str
) -> tuple[PushDevice, bool]:
    """Validate a browser's PushSubscription and store it for this member.

    The same endpoint again updates its row (keys, browser, last use); an
    endpoint held by another member (a shared phone, a new account) moves to
    this one. Return the device and whether it is new.
    """
    endpoint = clean_endpoint(endpoint)
    values = {
        "member": member,
        "p256dh": _key_bytes(p256dh, 65, "p256dh"),
        "auth": _key_bytes(auth, 16, "auth"),
        "browser": browser_label(user_agent)[:80],
        "last_used_at": timezone.now(),
        "failures": 0,
    }
    with transaction.atomic():
        device, created = PushDevice.objects.update_or_create(
            endpoint=endpoint, defaults=values
        )
        if created:
            kept = PushDevice.objects.filter(member=member).order_by(
                "-last_used_at", "-id"
            )[:DEVICES_PER_MEMBER]
            PushDevice.objects.filter(member=member).exclude(
                pk__in=list(kept.values_list("pk", flat=True))
            ).delete()
    return device, created


def do_remove_device(member: Member, device_id: int) -> bool:
    """Forget one of this member's devices; False when it is not theirs."""
    deleted, _rows = PushDevice.objects.filter(member=member, pk=device_id).delete()
    return bool(deleted)


def do_set_push_preferences(member: Member, choices: dict[str, bool]) -> None:
    """Store which kinds push to this member's devices, and whether text shows."""
    fields = [*PushKind.values, "show_text"]
    PushPreference.objects.update_or_create(
        member=member,
        defaults={field: bool(choices.get(field)) for field in fields},
    )

"""Reads of push's tables for a member's own pages."""

from django.conf import settings

from community.models import Member
from push.forms import PushPreferencesForm
from push.models import PushDevice, PushPreference
from push.sending import enabled


def devices_of(member: Member) -> list[PushDevice]:
    return list(PushDevice.objects.filter(member=member))


def preference_of(member: Member) -> PushPreference:
    """The member's push preferences (the defaults when never saved)."""
    found = PushPreference.objects.filter(member=member).first()
    return found or PushPreference(member=member)


def push_settings(member: Member) -> dict:
    """What the notification preferences page shows of push."""
    return {
        "enabled": enabled(),
        "public_key": settings.SMARTCITIZEN["VAPID_PUBLIC_KEY"],
        "form": PushPreferencesForm(instance=preference_of(member)),
        "device_count": PushDevice.objects.filter(member=member).count(),
    }

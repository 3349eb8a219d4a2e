"""Push's part of « Mes données »: the member's devices and push preferences.

Registered with `common.kinds` by common (push sits below common and imports
none of it); the rows go with the member (CASCADE) when the account is deleted.
"""

from datetime import UTC
from typing import Any

from community.models import Member
from push.models import PushDevice, PushKind, PushPreference


def export_member(member: Member, archive: Any) -> None:
    """notifications_push.json: devices (browser, dates; never the keys) and
    what pushes to them."""
    preference = PushPreference.objects.filter(member=member).first()
    preference = preference or PushPreference(member=member)
    archive.documents["notifications_push.json"] = {
        "appareils": [
            {
                "navigateur": device.browser,
                "ajoute_le": device.created_at.astimezone(UTC).isoformat(),
                "derniere_utilisation": device.last_used_at.astimezone(UTC).isoformat(),
            }
            for device in PushDevice.objects.filter(member=member).order_by("id")
        ],
        "preferences": {
            **{kind: getattr(preference, kind) for kind in PushKind.values},
            "afficher_le_texte": preference.show_text,
        },
    }

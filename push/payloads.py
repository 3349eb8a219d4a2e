"""What a push says: the payload `{title, body, url, tag}` built from a
notification (its verb and `data`) and the member's push preferences.

The service worker (static/push/sw-push.js) shows it as it comes: the title
names the kind in the member's language; the body holds a member's written
text (a message, a reply) only when they allowed it, as a phone's lock screen
shows it to whoever holds the phone; the url is a path of this site.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from push.models import PushKind, PushPreference

# Notification verbs that push, and the preference that governs each.
VERB_KINDS = {
    "message": PushKind.MESSAGE,
    "reply": PushKind.REPLY,
    "mention": PushKind.REPLY,
    "report": PushKind.REPORT,
    "challenge": PushKind.CHALLENGE,
    "challenge_badge": PushKind.CHALLENGE,
    "grid_alert": PushKind.GRID_ALERT,
    # Local life (issue 18). An answer to one's question is a reply: its text
    # is a member's, shown only with « show text ».
    "answer": PushKind.REPLY,
    "question": PushKind.LOCAL,
    "event": PushKind.LOCAL,
    "carpool": PushKind.LOCAL,
    "video_approved": PushKind.LOCAL,
    "video_rejected": PushKind.LOCAL,
}
# Written by members: shown only with the member's « show text » preference.
PRIVATE_TEXT_KINDS = {PushKind.MESSAGE, PushKind.REPLY}
BODY_MAX_LENGTH = 140
FALLBACK_URL = "/notifications/"


@dataclass(frozen=True)
class Payload:
    title: str
    body: str
    url: str
    tag: str
    # Web Push headers: high urgency wakes a sleeping phone at once; a topic
    # lets a newer push replace one still waiting at the push service.
    urgency: str
    topic: str

    def json(self) -> str:
        return json.dumps(
            {"title": self.title, "body": self.body, "url": self.url, "tag": self.tag},
            ensure_ascii=False,
        )


def _title(verb: str, kind: str, data: dict) -> str:
    name = str(data.get("actor_name") or "")[:60]
    if verb == "message":
        return _("Nouveau message de %(name)s") % {"name": name}
    if verb == "reply":
        return _("%(name)s vous a répondu") % {"name": name}
    if verb == "mention":
        return _("%(name)s vous a mentionné") % {"name": name}
    if verb == "answer":
        # Not the question's own title: a member's text (« show text »).
        return _("Du nouveau sur votre question aux référents")
    if verb == "question":
        return _("Une question aux référents dans votre domaine")
    if kind == PushKind.REPORT:
        return _("Un signalement que vous suivez a changé")
    if verb == "challenge_badge":
        return _("Nouveau badge")
    custom = str(data.get("title") or "")[:80]
    if kind == PushKind.GRID_ALERT:
        return custom or _("Alerte sur le réseau électrique")
    if kind == PushKind.LOCAL:
        return custom or _("Vie locale")
    return custom or _("Du nouveau dans un défi")


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= BODY_MAX_LENGTH:
        return text
    return text[: BODY_MAX_LENGTH - 1].rstrip() + "…"


def _url(data: dict) -> str:
    url = data.get("url")
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        return url
    return FALLBACK_URL


def build_payload(
    verb: str,
    data: dict,
    preference: PushPreference,
    language: str,
    excerpt: Callable[[dict], str],
) -> Payload | None:
    """The push for one notification to one member, or None when not wanted.

    `excerpt` gives the notification's excerpt in the active language
    (common.notify.localised_excerpt); a message's own text, never shown in
    the notification centre, travels as `private_excerpt`.
    """
    kind = VERB_KINDS.get(verb)
    if kind is None or not preference.allows(kind):
        return None
    with translation.override(language):
        title = _title(verb, kind, data)
        if kind in PRIVATE_TEXT_KINDS:
            text = ""
            if preference.show_text:
                text = str(data.get("private_excerpt") or "") or excerpt(data)
        else:
            text = excerpt(data)
    url = _url(data)
    alert = kind == PushKind.GRID_ALERT
    return Payload(
        title=title,
        body=_shorten(text),
        url=url,
        tag=f"{kind}:{url}"[:120],
        urgency="high" if alert or kind == PushKind.MESSAGE else "normal",
        topic="grid-alert" if alert else "",
    )

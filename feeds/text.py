"""Plain text of posts, comments and messages: mentions found, links made at render.

Nothing a member types is stored as HTML. At render time each piece of text is
escaped by `urlize(autoescape=True)`, and a mention becomes a link built here
from a member id and an escaped name: no user text reaches the page unescaped.
"""

import re

from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from community.models import Member

# A mention starts with @ not glued to a word (an e-mail address is no mention)
# and is a display name of one to four words.
_MENTION_START = re.compile(r"(?<![\w@])@(?=\w)")
_MAX_MENTION_WORDS = 4
_MAX_MENTIONS = 10
_TRAILING = ",;:!?)»\"'"


def _candidates(text: str) -> dict[int, list[str]]:
    """For each @ position, the lower-cased names it might start, longest first."""
    found: dict[int, list[str]] = {}
    for match in _MENTION_START.finditer(text):
        words = text[match.end() : match.end() + 80].split()
        names = []
        for count in range(min(len(words), _MAX_MENTION_WORDS), 0, -1):
            name = " ".join(words[:count])
            names.append(name.lower())
            stripped = name.rstrip(_TRAILING + ".")
            if stripped and stripped != name:
                names.append(stripped.lower())
        found[match.start()] = names
        if len(found) >= _MAX_MENTIONS:
            break
    return found


def find_mentions(town_id: int, text: str) -> list[dict]:
    """The members of the town mentioned in a text, as stored on the post.

    One query whatever the text. A name several members share is ambiguous and
    mentions nobody.
    """
    candidates = _candidates(text)
    wanted = {name for names in candidates.values() for name in names}
    if not wanted:
        return []
    by_name: dict[str, list[tuple[int, str]]] = {}
    rows = (
        Member.objects.filter(town_id=town_id)
        .annotate(lower_name=Lower("display_name"))
        .filter(lower_name__in=wanted)
        .values_list("pk", "display_name", "lower_name")
    )
    for pk, display_name, lower_name in rows:
        by_name.setdefault(lower_name, []).append((pk, display_name))
    mentions: dict[int, dict] = {}
    for names in candidates.values():
        for name in names:
            matches = by_name.get(name, [])
            if len(matches) == 1:
                pk, display_name = matches[0]
                mentions.setdefault(pk, {"id": pk, "name": display_name})
                break
    return list(mentions.values())


def render_text(text: str, mentions: list[dict] | None = None) -> SafeString:
    """Escaped text with clickable links and linked mentions."""
    if not mentions:
        return mark_safe(urlize(text, nofollow=True, autoescape=True))  # noqa: S308
    by_name = {mention["name"].lower(): mention["id"] for mention in mentions}
    alternatives = "|".join(
        re.escape(name) for name in sorted(by_name, key=len, reverse=True)
    )
    pattern = re.compile(rf"(?<![\w@])@({alternatives})(?!\w)", re.IGNORECASE)
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(
            urlize(text[position : match.start()], nofollow=True, autoescape=True)
        )
        member_id = by_name[match.group(1).lower()]
        parts.append(
            format_html(
                '<a class="mention" href="{}">@{}</a>',
                reverse("feeds:member", args=[member_id]),
                match.group(1),
            )
        )
        position = match.end()
    parts.append(urlize(text[position:], nofollow=True, autoescape=True))
    # Every part is escaped above: urlize(autoescape=True) or format_html.
    return mark_safe("".join(parts))  # noqa: S308


def excerpt(text: str, length: int = 80) -> str:
    """A short plain-text excerpt (for notifications and e-mails; escape on output)."""
    return Truncator(" ".join(text.split())).chars(length)

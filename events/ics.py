"""iCalendar (RFC 5545) files, written by hand: one event, or a town's feed.

Text values are escaped (backslash, semicolon, comma, newline), lines end in
CRLF and are folded at 75 octets without cutting a UTF-8 character.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils import timezone

from community.towns import base_url
from events.models import EventPage

PRODID = "-//Smart Citizen//Evenements//FR"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets (3.1)."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += octets
    parts.append(current)
    return "\r\n ".join(parts)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(
    event: EventPage, base: str, host: str, stamp: str, request
) -> list[str]:
    place = ", ".join(part for part in (event.place_name, event.address) if part)
    url = event.get_url(request) or "/"
    if not url.startswith(("http://", "https://")):
        url = base + "/" + url.lstrip("/")
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc(event.start)}",
        f"DTEND:{utc(event.end)}",
        f"SUMMARY:{escape_text(event.title)}",
        f"DESCRIPTION:{escape_text(event.summary)}",
        f"LOCATION:{escape_text(place)}",
        f"URL:{url}",
    ]
    if event.has_position:
        lines.append(f"GEO:{event.latitude:.6f};{event.longitude:.6f}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[EventPage], town, name: str, request=None) -> str:
    """A VCALENDAR with these events (of one town), ready to send."""
    # The town's address, read once: absolute_url per event would read the
    # town's Site once per event (the feed's queries grew with its length).
    base = base_url(town)
    host = base.split("://", 1)[-1].strip("/") or "smartcitizen"
    stamp = utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines.extend(_event_lines(event, base, host, stamp, request))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)

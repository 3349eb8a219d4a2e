"""The .ics of an event and the town's calendar feed, parsed back line by line."""

from datetime import UTC, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.ics import escape_text, fold
from events.models import EventPage
from tests.events.helpers import make_event, make_event_index
from tests.factories import make_town


def unfold(body: str) -> list[str]:
    """RFC 5545 3.1: CRLF line ends, a leading space continues the line."""
    assert body.endswith("\r\n")
    assert "\n" not in body.replace("\r\n", "")
    lines: list[str] = []
    for raw in body.split("\r\n")[:-1]:
        assert len(raw.encode()) <= 75
        if raw.startswith(" "):
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def unescape(value: str) -> str:
    out, chars = "", iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out += "\n" if following in "nN" else following
        else:
            out += char
    return out


def events_of(lines: list[str]) -> list[dict]:
    found, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _sep, value = line.partition(":")
            current[name] = value
    return found


def test_an_events_ics_escapes_and_folds(client, event_index):
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    event = make_event(
        event_index,
        "Visite ; panneaux, solaires \\ toit",
        start=start,
        summary="Ligne un\nLigne deux, très longue " + "é" * 80,
        address="2 rue des Écoles",
        latitude=45.1,
        longitude=5.7,
    )
    response = client.get(reverse("events:ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    lines = unfold(response.content.decode())
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    (parsed,) = events_of(lines)
    assert unescape(parsed["SUMMARY"]) == event.title
    assert unescape(parsed["DESCRIPTION"]) == event.summary
    assert unescape(parsed["LOCATION"]) == "Salle des fêtes, 2 rue des Écoles"
    assert parsed["DTSTART"] == start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert parsed["UID"].startswith(f"event-{event.pk}@")
    assert parsed["GEO"] == "45.100000;5.700000"
    assert parsed["URL"].startswith("http") and parsed["URL"].endswith(event.url)


def test_escape_and_fold_rules():
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    folded = fold("X:" + "é" * 100)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "X:" + "é" * 100


def test_the_town_feed_has_coming_events_and_the_last_30_days(
    client, event_index, settings
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "ailleurs.test"]
    now = timezone.now()
    make_event(event_index, "Marché", start=now + timedelta(days=1))
    make_event(event_index, "Atelier passé", start=now - timedelta(days=10))
    make_event(event_index, "Trop ancien", start=now - timedelta(days=40))
    response = client.get(reverse("events:calendar"))
    assert response.status_code == 200
    summaries = [e["SUMMARY"] for e in events_of(unfold(response.content.decode()))]
    assert summaries == ["Atelier passé", "Marché"]
    # Another town's host: its own (empty) feed; this town's event is a 404.
    other = make_town("Ailleurs", hostname="ailleurs.test")
    make_event_index(other)
    response = client.get(reverse("events:calendar"), HTTP_HOST="ailleurs.test")
    assert response.status_code == 200
    assert "BEGIN:VEVENT" not in response.content.decode()
    event = EventPage.objects.get(title="Marché")
    url = reverse("events:ics", args=[event.pk])
    assert client.get(url, HTTP_HOST="ailleurs.test").status_code == 404


def test_the_town_feed_costs_the_same_queries_however_many_events(client, event_index):
    make_event(event_index, "Marché")
    url = reverse("events:calendar")
    client.get(url)  # the site lookup, cached from then on

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    for number in range(6):
        make_event(event_index, f"Atelier {number}")
    assert count() == few
    body = client.get(url).content.decode()
    assert len(events_of(unfold(body))) == 7

"""The events list: coming by date, a domain filter, past events, pages."""

from datetime import timedelta

from django.utils import timezone

from events.models import EVENTS_PER_PAGE
from tests.events.helpers import make_event


def test_the_list_filters_by_domain_and_shows_past_events_apart(client, event_index):
    now = timezone.now()
    make_event(
        event_index, "Marché", start=now + timedelta(days=2), domain="local_food"
    )
    make_event(event_index, "Café réparation", start=now + timedelta(days=1))
    make_event(event_index, "Atelier passé", start=now - timedelta(days=3))

    page = client.get(event_index.url).text
    assert page.index("Café réparation") < page.index("Marché")
    assert "Atelier passé" not in page
    page = client.get(f"{event_index.url}?domaine=local_food").text
    assert "Marché" in page and "Café réparation" not in page
    page = client.get(f"{event_index.url}?passes=1").text
    assert "Atelier passé" in page and "Marché" not in page
    # An unknown domain shows everything.
    assert "Marché" in client.get(f"{event_index.url}?domaine=zzz").text


def test_the_list_has_pages(client, event_index):
    start = timezone.now() + timedelta(days=1)
    for number in range(EVENTS_PER_PAGE + 1):
        make_event(
            event_index,
            f"Atelier n°{number:02d}",
            start=start + timedelta(hours=number),
        )
    first = client.get(event_index.url).text
    assert "Atelier n°00" in first and f"Atelier n°{EVENTS_PER_PAGE:02d}" not in first
    assert "Page 1 sur 2" in first
    second = client.get(f"{event_index.url}?page=2").text
    assert f"Atelier n°{EVENTS_PER_PAGE:02d}" in second

"""The events' layer of the town's map (`/carte/`, docs/reports.md, « Couches
de la carte »): coming and ongoing events that have a position.

Registered from EventsConfig.ready() in `common.maplayers` (reports draws the
map and may not import events).
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from common import maplayers
from common.maplayers import Pin
from community.models import TownPage
from community.translated import localized
from events.models import EventPage

# Pins at most, the soonest first: a town has a few events a week, not hundreds.
MAX_MAP_EVENTS = 200


def map_events(town: TownPage) -> QuerySet[EventPage]:
    """The town's live, public events not over yet that have a position."""
    return (
        EventPage.objects.live()
        .public()
        .descendant_of(town)
        .filter(
            end__gte=timezone.now(),
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .order_by("start", "pk")
    )


def event_pins(town: TownPage, request: HttpRequest | None = None) -> list[Pin]:
    """One pin per coming event: title, date and place, address, link (the
    events' query and Wagtail's site paths, whatever their number)."""
    events = list(map_events(town)[:MAX_MAP_EVENTS])
    pins: list[Pin] = []
    for event in events:
        start = timezone.localtime(event.start)
        pins.append(
            Pin(
                lat=event.latitude,
                lon=event.longitude,
                title=str(localized(event, "title")),
                url=event.get_url(request),
                text=event.place_name,
                address=event.address,
                when=formats.date_format(start, "l j F Y, H:i"),
                datetime=start.isoformat(),
            )
        )
    return pins


def register() -> None:
    maplayers.register(
        "events",
        _("Événements"),
        event_pins,
        empty_text=_("Aucun événement à venir n’a de lieu sur la carte."),
    )

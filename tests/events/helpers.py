"""Events built the way moderators make them: a page, a revision, a publication."""

import itertools
from datetime import timedelta

from django.utils import timezone

from community.models import Member, TownPage
from events.models import EventIndexPage, EventPage
from events.wagtail_hooks import new_event_index

_slugs = itertools.count(1)


def make_event_index(town: TownPage) -> EventIndexPage:
    index = new_event_index()
    town.add_child(instance=index)
    index.save_revision().publish()
    return index


def make_event(
    index: EventIndexPage,
    title: str = "Café réparation",
    *,
    start=None,
    hours: int = 2,
    capacity: int = 10,
    domain: str = "waste",
    organiser: Member | None = None,
    **fields,
) -> EventPage:
    start = start or timezone.now() + timedelta(days=3)
    event = EventPage(
        title=title,
        slug=f"evenement-{next(_slugs)}",
        summary=fields.pop("summary", "On répare ensemble."),
        start=start,
        end=start + timedelta(hours=hours),
        place_name=fields.pop("place_name", "Salle des fêtes"),
        capacity=capacity,
        domain=domain,
        organiser=organiser,
        live=False,
        **fields,
    )
    index.add_child(instance=event)
    event.save_revision().publish()
    event.refresh_from_db()
    return event

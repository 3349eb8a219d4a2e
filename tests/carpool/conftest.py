"""Fixtures of the car-pooling tests: a town with bounds, two neighbourhoods
side by side, a driver and a passenger of two households."""

import datetime

import pytest
from django.utils import timezone

from carpool import actions
from carpool.models import TripKind
from tests.factories import NeighbourhoodFactory, make_member
from tests.reports import conftest as reports_fixtures

# The town with bounds: a box of about 11 × 8 km around 45.05, 4.05.
bounded_town = reports_fixtures.bounded_town


@pytest.fixture
def centre(bounded_town):
    return NeighbourhoodFactory(town=bounded_town, name="Centre")


@pytest.fixture
def gare(bounded_town):
    return NeighbourhoodFactory(town=bounded_town, name="Gare")


@pytest.fixture
def driver(bounded_town, centre):
    return make_member(bounded_town, neighbourhood=centre, display_name="Paul M.")


@pytest.fixture
def passenger(bounded_town, gare):
    return make_member(bounded_town, neighbourhood=gare, display_name="Anne M.")


def next_weekday(weekday: int) -> datetime.date:
    """The next date (not today) on that weekday (0 = Monday)."""
    today = timezone.localdate()
    return today + datetime.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def trip_fields(centre, gare, **changes) -> dict:
    """A form's POST: Centre (45.05, 4.05) → Gare (45.08, 4.08), one-off."""
    fields = {
        "kind": TripKind.OFFER,
        "seats": "3",
        "from_neighbourhood": str(centre.pk),
        "from_label": "Parking de la mairie",
        "from_latitude": "45.05",
        "from_longitude": "4.05",
        "to_neighbourhood": str(gare.pk),
        "to_label": "Parvis de la gare",
        "to_latitude": "45.08",
        "to_longitude": "4.08",
        "regular": "0",
        "date": next_weekday(1).isoformat(),
        "time": "08:00",
    }
    fields.update(changes)
    return fields


def make_trip(member, centre, gare, **changes):
    """A trip through the action, as the form would send it."""
    fields = trip_fields(centre, gare, **changes)
    regular = fields["regular"] == "1"
    trip, _matches = actions.check_create_trip(
        member,
        kind=fields["kind"],
        seats=int(fields["seats"]),
        start=actions.TripEnd(
            centre if fields["from_neighbourhood"] == str(centre.pk) else gare,
            fields["from_label"],
            fields["from_latitude"],
            fields["from_longitude"],
        ),
        end=actions.TripEnd(
            gare if fields["to_neighbourhood"] == str(gare.pk) else centre,
            fields["to_label"],
            fields["to_latitude"],
            fields["to_longitude"],
        ),
        regular=regular,
        weekdays=[int(day) for day in fields.get("weekdays", [])],
        date=None if regular else datetime.date.fromisoformat(fields["date"]),
        time=datetime.time.fromisoformat(fields["time"]),
    )
    return trip

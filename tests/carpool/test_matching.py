"""Matching by place and time (carpool.matching), through the action."""

import datetime

import pytest

from carpool.models import Match, TripKind
from tests.carpool.conftest import make_trip

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(driver, centre, gare):
    return make_trip(driver, centre, gare, time="08:00")


def request(passenger, centre, gare, **changes):
    return make_trip(passenger, centre, gare, kind=TripKind.REQUEST, **changes)


def test_times_more_than_30_minutes_apart_do_not_match(offer, passenger, centre, gare):
    request(passenger, centre, gare, time="08:31")
    request(passenger, centre, gare, time="07:40", to_label="Gare routière")
    times = Match.objects.values_list("request__time", flat=True)
    assert list(times) == [datetime.time(7, 40)]


def test_ends_match_by_neighbourhood_or_distance(
    offer, passenger, centre, gare, settings
):
    # Departure 4.4 km away in another neighbourhood (Gare): no match…
    request(
        passenger,
        centre,
        gare,
        from_neighbourhood=str(gare.pk),
        from_latitude="45.09",
        from_longitude="4.05",
    )
    assert not Match.objects.exists()
    # …within 5 km, yes (the setting); same neighbourhood, at any distance.
    settings.CARPOOL_MATCH_KM = 5
    request(
        passenger,
        centre,
        gare,
        from_neighbourhood=str(gare.pk),
        from_latitude="45.09",
        from_longitude="4.05",
        to_label="Quai 2",
    )
    settings.CARPOOL_MATCH_KM = 2
    request(passenger, centre, gare, from_latitude="45.095", to_label="Quai 3")
    assert Match.objects.count() == 2


def test_own_trips_and_offers_do_not_match_each_other(offer, driver, centre, gare):
    make_trip(driver, centre, gare, kind=TripKind.REQUEST)
    make_trip(driver, centre, gare, kind=TripKind.OFFER, to_label="Autre")
    assert not Match.objects.exists()

"""Which trips fit a trip: the other kind, by place and by time.

An offer and a request match when
- each end (departure, arrival) is in the same neighbourhood as the other
  trip's, or within `CARPOOL_MATCH_KM` (a setting, 2 km by default) of it;
- their times are within ± `TIME_WINDOW` on a shared day: two regular trips
  share a weekday, two one-off trips the date, a one-off trip's date falls on
  one of a regular trip's weekdays.

The candidates come from one query (active trips of the town, the other
kind, not the same household nor a blocked member, the time window, the
shared day, and for each end its neighbourhood or a latitude/longitude box);
the exact distance is then computed in Python on those few rows (haversine,
reports.geo).
"""

import datetime

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from carpool.models import Trip, TripKind, TripState
from feeds.queries.posts import blocked_q
from reports import geo

TIME_WINDOW = datetime.timedelta(minutes=30)
DEFAULT_MATCH_KM = 2.0
# A new trip is proposed at most this many matches (the closest in time),
# found among at most this many candidates of the SQL pre-filter.
MAX_MATCHES = 20
MAX_CANDIDATES = 200


def match_metres() -> float:
    return float(getattr(settings, "CARPOOL_MATCH_KM", DEFAULT_MATCH_KM)) * 1000


def _minutes(time: datetime.time) -> int:
    return time.hour * 60 + time.minute


def _time_q(time: datetime.time) -> Q:
    """Times within the window, across midnight when it needs to."""
    window = int(TIME_WINDOW.total_seconds() // 60)
    low, high = _minutes(time) - window, _minutes(time) + window

    def at(minutes: int) -> datetime.time:
        minutes %= 24 * 60
        return datetime.time(minutes // 60, minutes % 60)

    if low < 0 or high >= 24 * 60:
        return Q(time__gte=at(low)) | Q(time__lte=at(high))
    return Q(time__gte=at(low), time__lte=at(high))


def _day_q(trip: Trip) -> Q:
    today = timezone.localdate()
    if trip.regular:
        # Another regular trip sharing a day, or a coming one-off trip on one
        # of its days (`iso_week_day`: 1 = Monday).
        return Q(regular=True, shared_days__gt=0) | Q(
            regular=False,
            date__gte=today,
            date__iso_week_day__in=[day + 1 for day in trip.days],
        )
    return Q(regular=False, date=trip.date) | Q(regular=True, shared_days__gt=0)


def _end_q(prefix: str, neighbourhood_id: int, lat: float, lon: float) -> Q:
    south, west, north, east = geo.box(lat, lon, match_metres())
    return Q(**{f"{prefix}_neighbourhood_id": neighbourhood_id}) | Q(
        **{
            f"{prefix}_latitude__gte": south,
            f"{prefix}_latitude__lte": north,
            f"{prefix}_longitude__gte": west,
            f"{prefix}_longitude__lte": east,
        }
    )


def candidates(trip: Trip) -> QuerySet[Trip]:
    """Active trips of the other kind that may match `trip` (one query)."""
    other = TripKind.REQUEST if trip.is_offer else TripKind.OFFER
    mask = trip.weekdays if trip.regular else 1 << trip.date.weekday()
    household_id = trip.member.household_id
    queryset = (
        Trip.objects.filter(town_id=trip.town_id, state=TripState.ACTIVE, kind=other)
        .exclude(member_id=trip.member_id)
        .exclude(blocked_q(trip.member, field="member"))
        .annotate(shared_days=F("weekdays").bitand(mask))
        .filter(_time_q(trip.time))
        .filter(_day_q(trip))
        .filter(
            _end_q(
                "from",
                trip.from_neighbourhood_id,
                trip.from_latitude,
                trip.from_longitude,
            )
        )
        .filter(
            _end_q("to", trip.to_neighbourhood_id, trip.to_latitude, trip.to_longitude)
        )
        .select_related("member")
    )
    if household_id is not None:
        queryset = queryset.exclude(member__household_id=household_id)
    return queryset.order_by("-created_at", "-id")


def ends_fit(one: Trip, other: Trip) -> bool:
    """Both ends in the same neighbourhood or within the distance (exact)."""
    limit = match_metres()
    for prefix in ("from", "to"):
        if getattr(one, f"{prefix}_neighbourhood_id") == getattr(
            other, f"{prefix}_neighbourhood_id"
        ):
            continue
        distance = geo.distance_m(
            getattr(one, f"{prefix}_latitude"),
            getattr(one, f"{prefix}_longitude"),
            getattr(other, f"{prefix}_latitude"),
            getattr(other, f"{prefix}_longitude"),
        )
        if distance > limit:
            return False
    return True


def time_gap(one: Trip, other: Trip) -> int:
    """Minutes between the two departure times (across midnight)."""
    gap = abs(_minutes(one.time) - _minutes(other.time))
    return min(gap, 24 * 60 - gap)


def matching_trips(trip: Trip) -> list[Trip]:
    """The trips that match `trip`, closest in time first (bounded)."""
    found = [
        other for other in candidates(trip)[:MAX_CANDIDATES] if ends_fit(trip, other)
    ]
    found.sort(key=lambda other: (time_gap(trip, other), -other.pk))
    return found[:MAX_MATCHES]

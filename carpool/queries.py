"""Reads of car-pooling that check who asks: the town's members only, and an
object of another town is a 404 (docs/carpool.md)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from carpool.models import Match, Ride, Trip, TripKind, TripState
from community.models import Member, Neighbourhood


def open_trips(
    viewer: Member, kind: str = "", neighbourhood_id: int | None = None
) -> QuerySet[Trip]:
    """The town's active trips still to come, newest first; filtered by kind
    and by a neighbourhood (the departure's or the arrival's)."""
    queryset = (
        Trip.objects.filter(town_id=viewer.town_id, state=TripState.ACTIVE)
        .filter(Q(regular=True) | Q(date__gte=timezone.localdate()))
        .select_related("member", "from_neighbourhood", "to_neighbourhood")
    )
    if kind in TripKind.values:
        queryset = queryset.filter(kind=kind)
    if neighbourhood_id is not None:
        queryset = queryset.filter(
            Q(from_neighbourhood_id=neighbourhood_id)
            | Q(to_neighbourhood_id=neighbourhood_id)
        )
    return queryset.order_by("-created_at", "-id")


def town_neighbourhoods(viewer: Member) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(town_id=viewer.town_id).order_by("name")


def access_trip(viewer: Member, trip_id: int) -> Trip:
    """A trip of the viewer's town, or 404."""
    trip = (
        Trip.objects.filter(pk=trip_id, town_id=viewer.town_id)
        .select_related("member", "from_neighbourhood", "to_neighbourhood")
        .first()
    )
    if trip is None:
        raise Http404
    return trip


_MATCH_RELATED = (
    "offer__member__household",
    "offer__from_neighbourhood",
    "offer__to_neighbourhood",
    "request__member__household",
    "request__from_neighbourhood",
    "request__to_neighbourhood",
)


def access_match(viewer: Member, match_id: int) -> Match:
    """A match the viewer is part of (driver or passenger), else 404."""
    match = (
        Match.objects.filter(pk=match_id, offer__town_id=viewer.town_id)
        .filter(Q(offer__member=viewer) | Q(request__member=viewer))
        .select_related(*_MATCH_RELATED)
        .first()
    )
    if match is None:
        raise Http404
    return match


def access_ride(viewer: Member, ride_id: int) -> Ride:
    """A ride of the viewer's town, or 404 (the action checks it is theirs)."""
    ride = (
        Ride.objects.filter(pk=ride_id, match__offer__town_id=viewer.town_id)
        .select_related(*(f"match__{name}" for name in _MATCH_RELATED), "proposed_by")
        .first()
    )
    if ride is None:
        raise Http404
    return ride


@dataclass
class MatchView:
    """One match as « Mes trajets » shows it: the other member's trip."""

    match: Match
    other_trip: Trip
    rides: list[Ride] = field(default_factory=list)

    @property
    def other(self) -> Member:
        return self.other_trip.member


def my_trips(viewer: Member) -> QuerySet[Trip]:
    """The viewer's trips, active first, each with its matches (prefetched:
    a fixed number of queries whatever the number of trips and matches)."""
    matches = Match.objects.select_related(*_MATCH_RELATED).prefetch_related(
        Prefetch("rides", queryset=Ride.objects.order_by("-date", "-id"))
    )
    return (
        Trip.objects.filter(member=viewer)
        .select_related("from_neighbourhood", "to_neighbourhood")
        .prefetch_related(
            Prefetch("matches_as_offer", queryset=matches),
            Prefetch("matches_as_request", queryset=matches),
        )
        .order_by("state", "-created_at", "-id")
    )


def match_views(trip: Trip) -> list[MatchView]:
    """A prefetched trip's matches, the other side's trip first in view."""
    views = []
    for match in [*trip.matches_as_offer.all(), *trip.matches_as_request.all()]:
        other = match.request if match.offer_id == trip.pk else match.offer
        views.append(MatchView(match, other, list(match.rides.all())))
    return views

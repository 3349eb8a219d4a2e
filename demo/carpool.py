"""The demo town's car-pooling (issue 18): offers and requests that match,
through the site's own actions (so the matches and notifications are real),
and one ride both members confirmed (points for both households).

Anne Martin asks for a seat to the station on Tuesdays and Thursdays; Samir
drives there every weekday: they match, and made the trip last Tuesday.
Zoé offers a one-off lift to the market, which Paul's Saturday request fits.
A neighbour of Le Moulin offers a trip nobody fits yet.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from carpool import actions
from carpool.models import Match, Trip, TripKind
from community.models import HouseholdStatus, Member, Neighbourhood, TownPage

EMAIL_DOMAIN = "demo.smartcitizen.fr"

# Meeting points inside Val-de-Lys' bounds (demo/reports.py MAPS), never an
# address: (label, neighbourhood slug, latitude, longitude).
MAIRIE = ("Parking de la mairie", "centre-bourg", 50.6655, 2.8752)
EGLISE = ("Place de l'église", "centre-bourg", 50.6668, 2.8731)
GARE = ("Parvis de la gare", "la-gare", 50.6712, 2.8867)
MARCHE = ("Marché couvert", "centre-bourg", 50.6649, 2.8770)
BEL_AIR = ("Arrêt de bus Bel-Air", "bel-air", 50.6521, 2.8611)
JARDINS = ("Jardins familiaux", "bel-air", 50.6535, 2.8580)
MOULIN = ("Arrêt de bus du Moulin", "le-moulin", 50.6790, 2.8550)


@dataclass(frozen=True)
class DemoTrip:
    who: str  # an e-mail's local part, or "moulin" (a household of Le Moulin)
    kind: str
    seats: int
    start: tuple
    end: tuple
    time: datetime.time
    weekdays: tuple[int, ...] = ()  # regular when given (0 = Monday)
    days_ahead_to: int | None = None  # one-off: the next date on this weekday


TRIPS = [
    DemoTrip(
        "samir.benali", TripKind.OFFER, 3, EGLISE, GARE, datetime.time(7, 40),
        weekdays=(0, 1, 2, 3, 4),
    ),
    DemoTrip(
        "anne.martin", TripKind.REQUEST, 1, MAIRIE, GARE, datetime.time(7, 55),
        weekdays=(1, 3),
    ),
    DemoTrip(
        "zoe.lefebvre", TripKind.OFFER, 2, BEL_AIR, MARCHE, datetime.time(9, 30),
        days_ahead_to=5,
    ),
    DemoTrip(
        "paul.martin", TripKind.REQUEST, 2, JARDINS, MAIRIE, datetime.time(9, 45),
        weekdays=(5,),
    ),
    DemoTrip(
        "moulin", TripKind.OFFER, 4, MOULIN, MARCHE, datetime.time(17, 30),
        weekdays=(2,),
    ),
]  # fmt: skip


def seed_demo_carpool(town: TownPage) -> None:
    """The trips, their matches, and one confirmed ride; once per town."""
    if Trip.objects.filter(town=town).exists():
        return
    neighbourhoods = {n.slug: n for n in Neighbourhood.objects.filter(town=town)}
    members = _members(town)
    for spec in TRIPS:
        member = members.get(spec.who)
        if member is None or member.household_id is None:
            continue
        actions.check_create_trip(
            member,
            kind=spec.kind,
            seats=spec.seats,
            start=_end(spec.start, neighbourhoods),
            end=_end(spec.end, neighbourhoods),
            regular=bool(spec.weekdays),
            weekdays=list(spec.weekdays),
            date=None if spec.weekdays else _next(spec.days_ahead_to),
            time=spec.time,
        )
    _ride_last_tuesday(members)


def _members(town: TownPage) -> dict[str, Member]:
    locals_ = [spec.who for spec in TRIPS if spec.who != "moulin"]
    members = {
        member.user.username.split("@")[0]: member
        for member in Member.objects.filter(
            town=town, user__username__in=[f"{who}@{EMAIL_DOMAIN}" for who in locals_]
        ).select_related("user")
    }
    moulin = (
        Member.objects.filter(
            town=town,
            household__neighbourhood__slug="le-moulin",
            household__status=HouseholdStatus.ACTIVE,
            user__username__startswith="foyer",
        )
        .order_by("pk")
        .first()
    )
    if moulin is not None:
        members["moulin"] = moulin
    return members


def _end(point: tuple, neighbourhoods: dict) -> actions.TripEnd:
    label, slug, latitude, longitude = point
    return actions.TripEnd(neighbourhoods.get(slug), label, latitude, longitude)


def _next(weekday: int) -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _ride_last_tuesday(members: dict[str, Member]) -> None:
    """Anne and Samir went to the station together last Tuesday: she says
    so, he confirms (the transport action for both households)."""
    anne, samir = members.get("anne.martin"), members.get("samir.benali")
    if anne is None or samir is None:
        return
    match = Match.objects.filter(offer__member=samir, request__member=anne).first()
    if match is None:
        return
    today = timezone.localdate()
    tuesday = today - datetime.timedelta(days=(today.weekday() - 1) % 7 or 7)
    ride = actions.check_propose_ride(anne, match, tuesday)
    actions.check_confirm_ride(samir, ride)

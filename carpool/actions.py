"""Every write of car-pooling: trips, their matches, rides and their points.

`check_*` validate then write, raising ValidationError (a French message,
on the field it concerns) or PermissionDenied; nothing changes on a refusal.
"""

import datetime
import logging
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carpool import matching
from carpool import notify as carpool_notify
from carpool.models import (
    LABEL_MAX_LENGTH,
    MAX_SEATS,
    Match,
    Ride,
    Trip,
    TripKind,
    TripState,
    weekday_mask,
)
from community.domains import Domain
from community.models import Member, Neighbourhood
from reports import geo
from scoring import client as scoring
from scoring.actions.catalogue import ensure_action_type
from scoring.models import ProofLevel

logger = logging.getLogger(__name__)

ACTION_CODE = "carpool-ride"
ACTION_LABEL = "Covoiturage entre voisins"
# A member keeps at most this many active trips (a list, not a directory).
MAX_ACTIVE_TRIPS = 20
# How far ahead a one-off trip may be offered, and back a ride confirmed.
MAX_DAYS_AHEAD = 365
MAX_RIDE_DAYS_BACK = 60

# A house number followed by a street word: an address, not a meeting point.
ADDRESS_RE = re.compile(
    r"\b\d+\s*(bis|ter)?\s*,?\s*(rue|av\.?|avenue|bd|boulevard|chemin|impasse|"
    r"all[ée]e|route|place|quai|cours|lotissement|r[ée]sidence|square|voie)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TripEnd:
    neighbourhood: Neighbourhood | None
    label: str
    latitude: object
    longitude: object


def _check_end(member: Member, end: TripEnd, prefix: str) -> dict:
    """The fields of one end, or the errors keyed by the form's field names."""
    errors: dict[str, list[str]] = {}
    town = member.town
    if end.neighbourhood is None or end.neighbourhood.town_id != town.pk:
        errors[f"{prefix}_neighbourhood"] = [_("Choisissez un quartier de la commune.")]
    label = (end.label or "").strip()
    if not label:
        errors[f"{prefix}_label"] = [
            _("Nommez le point de rendez-vous (« Parking de la mairie »).")
        ]
    elif len(label) > LABEL_MAX_LENGTH:
        errors[f"{prefix}_label"] = [
            _("Le point de rendez-vous tient en %(max)d caractères.")
            % {"max": LABEL_MAX_LENGTH}
        ]
    elif ADDRESS_RE.search(label):
        errors[f"{prefix}_label"] = [
            _(
                "Ne donnez pas votre adresse : un point de rendez-vous suffit "
                "(« Parking de la mairie », « Arrêt de bus Gare »)."
            )
        ]
    try:
        geo.check_position(town, end.latitude, end.longitude)
    except ValidationError as error:
        if error.code == "outside_town":
            message = _(
                "Ce point de rendez-vous est en dehors de %(town)s : placez-le "
                "dans la commune."
            ) % {"town": town.title}
        else:
            message = _(
                "Placez le point de rendez-vous sur la carte, ou donnez sa "
                "latitude et sa longitude en degrés."
            )
        errors[f"{prefix}_latitude"] = [message]
    if errors:
        return {"errors": errors}
    return {
        f"{prefix}_neighbourhood": end.neighbourhood,
        f"{prefix}_label": label,
        f"{prefix}_latitude": float(end.latitude),
        f"{prefix}_longitude": float(end.longitude),
    }


def _check_when(
    regular: bool,
    weekdays: list[int],
    date: datetime.date | None,
    time: datetime.time | None,
) -> dict:
    errors: dict[str, list[str]] = {}
    if time is None:
        errors["time"] = [_("Donnez l'heure de départ (par exemple 08:15).")]
    if regular:
        if not weekdays or any(not 0 <= int(day) <= 6 for day in weekdays):
            errors["weekdays"] = [_("Cochez au moins un jour de la semaine.")]
        values = {"regular": True, "weekdays": weekday_mask(weekdays), "date": None}
    else:
        today = timezone.localdate()
        if date is None:
            errors["date"] = [_("Donnez la date du trajet.")]
        elif date < today:
            errors["date"] = [_("Cette date est passée : choisissez un jour à venir.")]
        elif date > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
            errors["date"] = [_("Proposez un trajet dans l'année qui vient.")]
        values = {"regular": False, "weekdays": 0, "date": date}
    if errors:
        return {"errors": errors}
    return {**values, "time": time.replace(second=0, microsecond=0)}


def check_create_trip(
    member: Member,
    *,
    kind: str,
    seats: int | None,
    start: TripEnd,
    end: TripEnd,
    regular: bool,
    weekdays: list[int],
    date: datetime.date | None,
    time: datetime.time | None,
) -> tuple[Trip, list[Match]]:
    """Record an offer or a request, find its matches and tell both sides."""
    if member.household_id is None:
        raise PermissionDenied(
            _("Le covoiturage est ouvert aux membres rattachés à un foyer.")
        )
    errors: dict[str, list[str]] = {}
    if kind not in TripKind.values:
        errors["kind"] = [_("Dites si vous proposez ou cherchez des places.")]
    if seats is None or not 1 <= seats <= MAX_SEATS:
        errors["seats"] = [
            _("Le nombre de places va de 1 à %(max)d.") % {"max": MAX_SEATS}
        ]
    values: dict = {}
    for part in (
        _check_end(member, start, "from"),
        _check_end(member, end, "to"),
        _check_when(regular, weekdays, date, time),
    ):
        errors.update(part.pop("errors", {}))
        values.update(part)
    if errors:
        raise ValidationError(errors)
    active = Trip.objects.filter(member=member, state=TripState.ACTIVE).count()
    if active >= MAX_ACTIVE_TRIPS:
        raise ValidationError(
            _(
                "Vous avez déjà %(count)d trajets actifs : fermez ceux qui ne "
                "servent plus avant d'en proposer un autre."
            )
            % {"count": active}
        )
    with transaction.atomic():
        trip = Trip.objects.create(
            town_id=member.town_id, member=member, kind=kind, seats=seats, **values
        )
        matches = _record_matches(trip)
    return trip, matches


def _record_matches(trip: Trip) -> list[Match]:
    """The trip's matches as rows, each told to both members once."""
    found = matching.matching_trips(trip)
    rows = [
        Match(offer=trip, request=other)
        if trip.is_offer
        else Match(offer=other, request=trip)
        for other in found
    ]
    # A new trip has no match yet: every row is new.
    created = Match.objects.bulk_create(rows)
    for match in created:
        carpool_notify.notify_match(match, trip)
    return created


def do_close_trip(member: Member, trip: Trip) -> bool:
    """Close one of the member's own trips; False when it was closed already."""
    if trip.member_id != member.pk:
        raise PermissionDenied(_("Seul l'auteur d'un trajet peut le fermer."))
    updated = Trip.objects.filter(pk=trip.pk, state=TripState.ACTIVE).update(
        state=TripState.CLOSED, closed_at=timezone.now()
    )
    return bool(updated)


def _other_member(member: Member, match: Match) -> Member:
    """The match's member who is not `member`; PermissionDenied for a third."""
    if match.offer.member_id == member.pk:
        return match.request.member
    if match.request.member_id == member.pk:
        return match.offer.member
    raise PermissionDenied(
        _("Seuls le conducteur et le passager de ce trajet peuvent le confirmer.")
    )


def check_propose_ride(
    member: Member, match: Match, date: datetime.date | None
) -> Ride:
    """« Nous avons fait ce trajet le … »: the other member is asked to confirm."""
    other = _other_member(member, match)
    if (
        member.household_id is None
        or other.household_id is None
        or member.household_id == other.household_id
    ):
        raise PermissionDenied(_("Un trajet se confirme entre deux foyers différents."))
    today = timezone.localdate()
    if date is None:
        raise ValidationError({"date": [_("Donnez la date du trajet.")]})
    if date > today:
        raise ValidationError(
            {
                "date": [
                    _("Ce jour n'est pas encore arrivé : confirmez après le trajet.")
                ]
            }
        )
    if date < today - datetime.timedelta(days=MAX_RIDE_DAYS_BACK):
        raise ValidationError(
            {
                "date": [
                    _("Un trajet se confirme dans les %(days)d jours.")
                    % {"days": MAX_RIDE_DAYS_BACK}
                ]
            }
        )
    try:
        with transaction.atomic():
            ride = Ride.objects.create(match=match, date=date, proposed_by=member)
            carpool_notify.notify_ride_proposed(ride, other)
    except IntegrityError:
        raise ValidationError(
            {"date": [_("Ce trajet est déjà noté pour ce jour.")]}
        ) from None
    return ride


@dataclass(frozen=True)
class Confirmed:
    ride: Ride
    points: dict[int, int]  # household id: points awarded
    message: str = ""


def check_confirm_ride(member: Member, ride: Ride) -> Confirmed:
    """The other member confirms: the ride counts, points for both households
    with the « confirmed » proof, once (one key per ride and household)."""
    match = ride.match
    other = _other_member(member, match)
    if ride.proposed_by_id == member.pk:
        raise ValidationError(
            _("C'est à %(name)s de confirmer ce trajet.") % {"name": other.display_name}
        )
    with transaction.atomic():
        # The row lock makes two confirmations at once count as one.
        locked = Ride.objects.select_for_update().get(pk=ride.pk)
        if locked.confirmed_at is not None:
            raise ValidationError(_("Ce trajet est déjà confirmé."))
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_at"])
        carpool_notify.notify_ride_confirmed(locked, member)
    points, message = _log_points(locked, [match.offer.member, match.request.member])
    return Confirmed(locked, points, message)


def _log_points(ride: Ride, members: list[Member]) -> tuple[dict[int, int], str]:
    """The transport action for each household, after the commit of the
    confirmation; the key makes a retry award nothing more."""
    action = ensure_action_type(
        ACTION_CODE, label=ACTION_LABEL, domain=Domain.TRANSPORT
    )
    points: dict[int, int] = {}
    message = ""
    for member in members:
        household = member.household
        try:
            answer = scoring.log_action(
                household,
                action=action.code,
                domain=action.domain,
                occurred_at=ride.occurred_at(),
                idempotency_key=f"carpool-ride-{ride.pk}-{household.public_id}",
                proof=ProofLevel.CONFIRMED,
            )
        except scoring.ScoringUnavailable as error:
            message = str(error.message)
        except scoring.ScoringError as error:
            logger.warning("carpool ride %s: points refused: %s", ride.pk, error)
            message = _("Les points de ce trajet n'ont pas pu être comptés.")
        else:
            points[household.pk] = int(answer.get("points_awarded") or 0)
    return points, message

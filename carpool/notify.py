"""What car-pooling tells the members (notification verb `carpool`): a match
found, a ride to confirm, a ride confirmed. Called inside the action's
transaction (common.notify publishes and pushes after the commit)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from carpool.models import Match, Ride, Trip
from common.notify import send_notification
from community.models import Member

VERB = "carpool"


def _send(recipient: Member, actor: Member, kind: str, url: str, excerpt: str) -> None:
    send_notification(
        recipient.user_id,
        actor=actor,
        verb=VERB,
        data={
            "kind": kind,
            "actor_id": actor.pk,
            "actor_name": actor.display_name,
            "url": url,
            "title": _("Covoiturage"),
            "excerpt": excerpt,
        },
    )


def trip_text(trip: Trip) -> str:
    """« Gare → Mairie, mardi, jeudi à 08:00 »: no address, only meeting points."""
    return _("%(from)s → %(to)s, %(when)s") % {
        "from": trip.from_label,
        "to": trip.to_label,
        "when": trip.when_text(),
    }


def notify_match(match: Match, new_trip: Trip) -> None:
    """Both members hear of a match: the new trip's author and the other."""
    other_trip = match.request if new_trip.pk == match.offer_id else match.offer
    url = reverse("carpool:mine") + f"#correspondance-{match.pk}"
    _send(
        other_trip.member,
        new_trip.member,
        "carpool_match",
        url,
        _("un trajet correspond au vôtre : %(trip)s") % {"trip": trip_text(new_trip)},
    )
    _send(
        new_trip.member,
        other_trip.member,
        "carpool_match",
        url,
        _("un trajet correspond au vôtre : %(trip)s") % {"trip": trip_text(other_trip)},
    )


def notify_ride_proposed(ride: Ride, recipient: Member) -> None:
    _send(
        recipient,
        ride.proposed_by,
        "carpool_ride",
        reverse("carpool:mine") + f"#correspondance-{ride.match_id}",
        _("nous avons fait ce trajet le %(date)s : confirmez-vous ?")
        % {"date": ride.date_text()},
    )


def notify_ride_confirmed(ride: Ride, confirmer: Member) -> None:
    _send(
        ride.proposed_by,
        confirmer,
        "carpool_ride",
        reverse("carpool:mine") + f"#correspondance-{ride.match_id}",
        _("a confirmé le trajet du %(date)s : points comptés pour vos deux foyers.")
        % {"date": ride.date_text()},
    )

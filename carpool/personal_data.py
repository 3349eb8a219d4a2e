"""Car-pooling's part of « Mes données »: the archive's `covoiturage.json`
(the member's trips, their matches and the rides they took part in), and an
account's erasure.

Registered with `common.kinds` from CarpoolConfig.ready(); mydata runs them.
The erasure (inside the deletion's transaction) deletes the member's trips,
which takes their matches and rides with them: a trip is a member's own
plan, with meeting points near their home, that nobody else needs once they
leave. Rides they proposed on another's trips go too. Points already awarded
stay in the household's ledger, as every action's do.
"""

from django.db.models import Q

from carpool.models import Match, Ride, Trip
from common import kinds
from common.archive import Archive, Erasure, iso
from community.models import Member


def _trip(trip: Trip) -> dict:
    return {
        "id": trip.pk,
        "type": trip.kind,
        "places": trip.seats,
        "depart": {
            "quartier": trip.from_neighbourhood_id,
            "point_de_rendez_vous": trip.from_label,
            "latitude": trip.from_latitude,
            "longitude": trip.from_longitude,
        },
        "arrivee": {
            "quartier": trip.to_neighbourhood_id,
            "point_de_rendez_vous": trip.to_label,
            "latitude": trip.to_latitude,
            "longitude": trip.to_longitude,
        },
        "regulier": trip.regular,
        "jours": trip.days,
        "date": trip.date.isoformat() if trip.date else None,
        "heure": trip.time.strftime("%H:%M"),
        "etat": trip.state,
        "cree_le": iso(trip.created_at),
    }


def export_member(member: Member, archive: Archive) -> None:
    """covoiturage.json: trips, the trips they matched, rides."""
    mine = Q(offer__member=member) | Q(request__member=member)
    archive.documents["covoiturage.json"] = {
        "trajets": [
            _trip(trip) for trip in Trip.objects.filter(member=member).order_by("id")
        ],
        "correspondances": [
            {"offre": match.offer_id, "demande": match.request_id}
            for match in Match.objects.filter(mine).order_by("id")
        ],
        "trajets_faits": [
            {
                "offre": ride.match.offer_id,
                "demande": ride.match.request_id,
                "date": ride.date.isoformat(),
                "propose_par_moi": ride.proposed_by_id == member.pk,
                "confirme_le": iso(ride.confirmed_at) if ride.confirmed_at else None,
            }
            for ride in Ride.objects.filter(
                Q(match__offer__member=member) | Q(match__request__member=member)
            )
            .select_related("match")
            .order_by("date", "id")
        ],
    }


def erase_member(erasure: Erasure) -> None:
    """The member's trips (with their matches and rides) and their rides go."""
    member = erasure.member
    Ride.objects.filter(proposed_by=member).delete()
    Trip.objects.filter(member=member).delete()


def register() -> None:
    kinds.register_export(
        export_member,
        # The lines of the archive's LISEZMOI.txt (mydata/exporting.py).
        describes=(
            "- covoiturage.json : vos trajets proposés ou "
            "cherchés, leurs correspondances\n"
            "  et les trajets faits ;"
        ),
    )
    kinds.register_member_eraser(erase_member)

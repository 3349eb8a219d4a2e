"""Events' part of « Mes données »: the archive's `evenements.json` (the
household's registrations and the events the member organises), and a
household's erasure (its registrations go with it).

Registered with `common.kinds` from EventsConfig.ready(); mydata runs them.
An account's own erasure needs nothing here: a registration's `member` and an
event's `organiser` are set to null when the member row goes.
"""

from django.utils import timezone

from common import kinds
from common.archive import Archive, iso
from community.models import Household, Member
from events.actions import do_capacity_changed
from events.models import EventPage, Registration, RegistrationStatus


def export_member(member: Member, archive: Archive) -> None:
    """evenements.json: registrations of the member's household, events organised."""
    registrations = []
    if member.household_id is not None:
        registrations = [
            {
                "evenement": registration.event.title,
                "debut": iso(registration.event.start),
                "personnes": registration.people,
                "statut": registration.status,
                "inscrit_le": iso(registration.queued_at),
                "annule_le": iso(registration.cancelled_at),
                "presence_confirmee_le": iso(registration.attended_at),
                "points": registration.points_awarded,
            }
            for registration in Registration.objects.filter(
                household_id=member.household_id
            )
            .select_related("event")
            .order_by("queued_at", "pk")
        ]
    organised = [
        {"evenement": event.title, "debut": iso(event.start), "publie": event.live}
        for event in EventPage.objects.filter(organiser=member).order_by("start")
    ]
    if registrations or organised:
        archive.documents["evenements.json"] = {
            "inscriptions": registrations,
            "organises": organised,
        }


def erase_household(household: Household, files: list[str]) -> None:
    """A household that left: its registrations go, and the places it held at
    coming events go to their waiting lists (in the erasure's transaction)."""
    registrations = Registration.objects.filter(household=household)
    freed = list(
        EventPage.objects.filter(
            pk__in=registrations.filter(
                status=RegistrationStatus.CONFIRMED, event__start__gt=timezone.now()
            ).values("event_id")
        )
    )
    registrations.delete()
    for event in freed:
        do_capacity_changed(event)


def register_all() -> None:
    kinds.register_export(
        export_member,
        # The lines of the archive's LISEZMOI.txt (mydata/exporting.py).
        describes=(
            "- evenements.json : les inscriptions de votre "
            "foyer aux événements et ceux\n"
            "  que vous organisez ;"
        ),
    )
    kinds.register_household_eraser(erase_household)

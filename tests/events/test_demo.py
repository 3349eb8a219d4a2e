"""The demo's events: five, one full with a waiting list, one past with points."""

from community import roles
from demo.events import seed_demo_events
from events.models import EventIndexPage, EventPage, Registration, RegistrationStatus
from scoring import client as scoring
from tests.factories import make_member, make_staff


def test_the_demo_events_are_seeded_once(town, neighbourhood):
    residents = [
        make_member(town, neighbourhood=neighbourhood, display_name=f"Voisin {i}")
        for i in range(8)
    ]
    make_staff(town, roles.MODERATOR)
    seed_demo_events(town)
    seed_demo_events(town)

    index = EventIndexPage.objects.child_of(town).get()
    assert EventPage.objects.child_of(index).live().count() == 5
    solar = EventPage.objects.get(title="Visite de l'installation solaire")
    statuses = list(
        Registration.objects.filter(event=solar)
        .order_by("queued_at", "pk")
        .values_list("status", flat=True)
    )
    assert (
        statuses
        == [RegistrationStatus.CONFIRMED] * 3 + [RegistrationStatus.WAITING] * 2
    )
    past = EventPage.objects.get(title="Atelier compost")
    attended = Registration.objects.filter(event=past, attended_at__isnull=False)
    assert attended.count() == 2
    assert scoring.get_points(residents[0].household)["total"] == 20

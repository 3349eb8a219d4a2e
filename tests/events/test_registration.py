"""Registering a household, the waiting list, cancellation and moving up."""

from datetime import timedelta

from django.utils import timezone
from notifications.models import Notification

from events.models import Registration, RegistrationStatus
from tests.events.helpers import make_event
from tests.factories import NeighbourhoodFactory, make_member, make_town


def register(client, member, event, people=1):
    client.force_login(member.user)
    return client.post(f"{event.url}inscription/", {"people": people}, follow=True)


def text(page) -> str:
    """The page's text with apostrophes as typed (escaped or not)."""
    return page.content.decode().replace("&#x27;", "'")


def cancel(client, member, event):
    client.force_login(member.user)
    return client.post(f"{event.url}annulation/", follow=True)


def status_of(event, member) -> str:
    return Registration.objects.get(event=event, household=member.household).status


def test_register_then_waiting_list_then_cancel_moves_up(
    client, event_index, town, neighbourhood
):
    event = make_event(event_index, capacity=4)
    first, second, third, fourth = (
        make_member(town, neighbourhood=neighbourhood, display_name=name)
        for name in ("Alice", "Bruno", "Chloé", "Driss")
    )
    housemate = make_member(town, household=third.household, display_name="Chris")

    page = register(client, first, event, people=3)
    assert "votre foyer est inscrit" in page.text
    assert "1 place libre sur 4" in page.text
    # 2 people do not fit in the 1 place left: the waiting list, first.
    page = register(client, second, event, people=2)
    assert "liste d'attente (position 1)" in text(page)
    assert status_of(event, second) == RegistrationStatus.WAITING
    # Then 1 person, who fits: confirmed while the bigger household waits.
    register(client, third, event, people=1)
    assert status_of(event, third) == RegistrationStatus.CONFIRMED
    register(client, fourth, event, people=1)
    page = client.get(event.url)
    assert "liste d'attente, position 2" in text(page)
    # One registration per household: the housemate cannot add another.
    page = register(client, housemate, event, people=1)
    assert "déjà inscrit" in page.text
    assert Registration.objects.filter(household=third.household).count() == 1

    # The first household cancels: 3 places free; Bruno (2) then Driss (1).
    page = cancel(client, first, event)
    assert "Votre inscription est annulée" in page.text
    assert status_of(event, first) == RegistrationStatus.CANCELLED
    assert status_of(event, second) == RegistrationStatus.CONFIRMED
    assert status_of(event, fourth) == RegistrationStatus.CONFIRMED
    notified = Notification.objects.filter(verb="event")
    assert {n.recipient_id for n in notified} == {second.user_id, fourth.user_id}
    note = notified.first()
    assert note.data["kind"] == "event" and note.data["url"] == event.url
    assert "Une place s'est libérée" in note.data["excerpt"]
    # The notification centre says it.
    client.force_login(second.user)
    assert "Une place s" in client.get("/notifications/").text

    # Registering again after a cancellation reuses the row, at the end.
    page = register(client, first, event, people=1)
    assert "position 1" in page.text
    assert Registration.objects.filter(event=event).count() == 4


def test_refusals_change_nothing(client, event_index, town, neighbourhood, member):
    event = make_event(event_index, capacity=3)
    page = register(client, member, event, people=4)
    assert "Inscrivez entre 1 et 3 personnes" in page.text
    page = register(client, member, event, people=0)
    assert page.status_code == 200
    assert client.get(f"{event.url}inscription/").status_code == 405
    assert "pas inscrit" in cancel(client, member, event).text
    started = make_event(event_index, start=timezone.now() - timedelta(minutes=5))
    assert "déjà commencé" in register(client, member, started).text
    assert not Registration.objects.exists()
    # Signed out: to the sign-in page.
    client.logout()
    response = client.post(f"{event.url}inscription/", {"people": 1})
    assert response.status_code == 302 and "/connexion/" in response.url


def test_another_towns_member_and_event_are_404(client, event_index, member, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "ailleurs.test"]
    event = make_event(event_index)
    other = make_town("Ailleurs", hostname="ailleurs.test")
    stranger = make_member(other, neighbourhood=NeighbourhoodFactory(town=other))
    client.force_login(stranger.user)
    assert client.post(f"{event.url}inscription/", {"people": 1}).status_code == 404
    assert client.post(f"{event.url}annulation/").status_code == 404
    assert client.get(f"{event.url}participants/").status_code == 404
    # On the other town's host, this town's event does not exist.
    client.force_login(member.user)
    response = client.get(event.url, HTTP_HOST="ailleurs.test")
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_more_places_published_move_the_waiting_list_up(
    client, event_index, town, neighbourhood
):
    event = make_event(event_index, capacity=1)
    first, second = (make_member(town, neighbourhood=neighbourhood) for _ in "ab")
    register(client, first, event)
    register(client, second, event)
    assert status_of(event, second) == RegistrationStatus.WAITING
    event.capacity = 2
    event.save_revision().publish()
    assert status_of(event, second) == RegistrationStatus.CONFIRMED
    assert Notification.objects.filter(recipient=second.user, verb="event").exists()

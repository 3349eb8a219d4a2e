"""The attendees list (organiser and moderators) and presence → points once."""

from datetime import timedelta

from django.utils import timezone

from events.actions import check_register
from events.models import Registration
from scoring import client as scoring
from tests.events.helpers import make_event
from tests.factories import make_member


def fill(event, town, neighbourhood, count: int) -> list:
    members = [
        make_member(town, neighbourhood=neighbourhood, display_name=f"Voisin {i}")
        for i in range(count)
    ]
    for member in members:
        check_register(member, event, 1)
    return members


def test_only_the_organiser_and_moderators_see_the_attendees(
    client, event_index, town, neighbourhood, member, moderator
):
    organiser = make_member(town, neighbourhood=neighbourhood, display_name="Orga")
    event = make_event(event_index, capacity=2, organiser=organiser)
    fill(event, town, neighbourhood, 3)
    url = f"{event.url}participants/"

    client.force_login(organiser.user)
    page = client.get(url)
    assert page.status_code == 200
    assert "Voisin 0" in page.text and "Voisin 1" in page.text
    assert "Liste d’attente" in page.text.replace("&#x27;", "’").replace("'", "’")
    assert "Voisin 2" in page.text
    assert "2 personnes inscrites sur 2 places" in page.text
    assert "Liste des participants" in client.get(event.url).text
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    client.force_login(member.user)
    assert client.get(url).status_code == 403
    assert "Liste des participants" not in client.get(event.url).text
    client.logout()
    assert client.get(url).status_code == 302


def test_attendees_list_and_index_run_constant_queries(
    client, event_index, town, neighbourhood, moderator, django_assert_max_num_queries
):
    event = make_event(event_index, capacity=3)
    fill(event, town, neighbourhood, 2)
    client.force_login(moderator)

    def count(url: str) -> int:
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small_list, small_index = count(f"{event.url}participants/"), count(event_index.url)
    fill(event, town, neighbourhood, 6)
    for i in range(5):
        make_event(event_index, f"Atelier {i}", capacity=2)
    assert count(f"{event.url}participants/") == small_list
    assert count(event_index.url) == small_index


def test_presence_is_confirmed_after_the_start_and_awards_points_once(
    client, event_index, town, neighbourhood
):
    organiser = make_member(town, neighbourhood=neighbourhood, display_name="Orga")
    event = make_event(
        event_index, capacity=5, organiser=organiser, attendance_points=15
    )
    guest = fill(event, town, neighbourhood, 1)[0]
    registration = Registration.objects.get(event=event)
    url = f"{event.url}participants/{registration.pk}/presence/"

    client.force_login(organiser.user)
    page = client.post(url, follow=True)
    assert "une fois l&#x27;événement commencé" in page.text
    assert registration.__class__.objects.get(pk=registration.pk).attended_at is None

    event.start = timezone.now() - timedelta(minutes=10)
    event.save_revision().publish()
    page = client.post(url, follow=True)
    # 15 points of base, doubled by the « confirmed » proof.
    assert "Présence confirmée : 30 points pour ce foyer" in page.text
    page = client.post(url, follow=True)
    assert "déjà confirmée" in page.text
    assert scoring.get_points(guest.household)["total"] == 30
    registration.refresh_from_db()
    assert registration.points_awarded == 30
    assert registration.attendance_confirmed_by == organiser
    # Another event's registration is not found under this one.
    other = make_event(event_index, "Autre", organiser=organiser)
    wrong = f"{other.url}participants/{registration.pk}/presence/"
    client.force_login(organiser.user)
    assert client.post(wrong).status_code == 404
    # A resident may not confirm, and GET changes nothing.
    client.force_login(guest.user)
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405

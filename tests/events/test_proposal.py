"""« Proposer un événement »: a draft in the town's moderation workflow."""

from datetime import timedelta

from django.utils import timezone
from notifications.models import Notification
from wagtail.models import WorkflowState

from events.models import EventPage
from tests.tips.test_moderation import review


def form_data(**changes) -> dict:
    start = timezone.localtime() + timedelta(days=7)
    data = {
        "title": "Atelier compost",
        "summary": "Apprendre à composter au pied de l'immeuble.",
        "domain": "waste",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place_name": "Jardin partagé",
        "address": "",
        "latitude": "",
        "longitude": "",
        "capacity": "12",
    }
    return {**data, **changes}


def test_a_proposal_is_a_draft_in_the_workflow(client, event_index, member):
    client.force_login(member.user)
    url = f"{event_index.url}proposer/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(), follow=True)
    assert "envoyé aux modérateurs" in response.text
    event = EventPage.objects.get(title="Atelier compost")
    assert event.live is False and event.organiser == member
    state = WorkflowState.objects.get(object_id=str(event.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert client.get(event_index.url).text.count("Atelier compost") == 0


def test_a_bad_proposal_is_shown_again_with_what_was_typed(
    client, event_index, member, town
):
    town.bounds_south, town.bounds_north = 45.0, 45.2
    town.bounds_west, town.bounds_east = 5.6, 5.8
    town.save()
    client.force_login(member.user)
    url = f"{event_index.url}proposer/"
    response = client.post(url, form_data(latitude="48.85", longitude="2.35"))
    assert response.status_code == 200
    assert "en dehors de" in response.text
    assert "Jardin partagé" in response.text
    start = timezone.localtime() + timedelta(days=7)
    response = client.post(
        url, form_data(end=(start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    )
    assert "La fin doit venir après le début" in response.text
    assert not EventPage.objects.exists()


def test_approval_publishes_and_tells_the_organiser(
    client, event_index, member, moderator
):
    client.force_login(member.user)
    client.post(f"{event_index.url}proposer/", form_data())
    event = EventPage.objects.get(title="Atelier compost")
    response = review(client, moderator, event, "approve", "Merci !")
    assert response.status_code in (200, 302)
    event.refresh_from_db()
    assert event.live is True
    note = Notification.objects.get(recipient=member.user, verb="event")
    assert "est publié" in note.data["excerpt"] and note.data["url"] == event.url
    client.force_login(member.user)
    assert "Atelier compost" in client.get(event_index.url).text

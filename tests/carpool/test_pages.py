"""Car-pooling through HTTP: a trip offered and one asked for that match,
both members told and listed, the direct message, a ride proposed and
confirmed (points once for each household), no address anywhere, who may do
what, bad input, bounded lists."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from carpool import views
from carpool.models import Match, Ride, Trip, TripKind, TripState
from scoring.models import LedgerEntry, ProofLevel
from tests.carpool.conftest import make_trip, next_weekday, trip_fields
from tests.factories import NeighbourhoodFactory, make_member, make_town

pytestmark = pytest.mark.django_db

NEW = reverse("carpool:new")
MINE = reverse("carpool:mine")
LIST = reverse("carpool:list")


def page(response) -> str:
    return response.content.decode()


def test_offer_and_matching_request_are_proposed_to_both(
    client, driver, passenger, centre, gare
):
    client.force_login(driver.user)
    form = page(client.get(NEW))
    assert 'name="address"' not in form
    assert "Ne donnez pas votre adresse : un point de rendez-vous suffit" in form
    response = client.post(NEW, trip_fields(centre, gare))
    assert response.status_code == 302
    offer = Trip.objects.get(member=driver)
    assert (offer.kind, offer.seats, offer.state) == ("offer", 3, TripState.ACTIVE)
    assert "Aucun trajet ne correspond encore" in page(client.get(MINE))

    # The request: same neighbourhoods, points within 2 km, 20 minutes later.
    client.force_login(passenger.user)
    response = client.post(
        NEW,
        trip_fields(
            centre,
            gare,
            kind=TripKind.REQUEST,
            seats="1",
            from_label="Arrêt de bus Église",
            from_latitude="45.055",
            time="08:20",
        ),
        follow=True,
    )
    assert "1 trajet correspond au vôtre" in page(response)
    match = Match.objects.get()
    assert (match.offer, match.request.member) == (offer, passenger)
    notes = Notification.objects.filter(verb="carpool")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(
        [driver.user_id, passenger.user_id]
    )
    assert all(note.data["kind"] == "carpool_match" for note in notes)

    mine = page(client.get(MINE))
    assert "Paul M." in mine and "Parking de la mairie" in mine
    dm = reverse("feeds:start_direct", args=[driver.pk])
    assert f'action="{dm}"' in mine and "Écrire à Paul M." in mine
    # « Écrire à … » opens the direct conversation.
    response = client.post(dm)
    assert response.status_code == 302 and "/messages/" in response["Location"]

    client.force_login(driver.user)
    mine = page(client.get(MINE))
    assert "Anne M." in mine and "Arrêt de bus Église" in mine
    listed = page(client.get(LIST))
    assert "Parking de la mairie" in listed and "Arrêt de bus Église" in listed
    # The notification centre says what it is about.
    centre_page = page(client.get(reverse("feeds:notifications")))
    assert "Anne M." in centre_page and "— covoiturage :" in centre_page
    assert "un trajet correspond au vôtre" in centre_page


def test_a_ride_confirmed_by_both_awards_points_once(
    client, driver, passenger, centre, gare, bounded_town
):
    offer = make_trip(driver, centre, gare)
    make_trip(passenger, centre, gare, kind=TripKind.REQUEST, seats="1")
    match = Match.objects.get(offer=offer)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    client.force_login(passenger.user)
    propose = reverse("carpool:propose-ride", args=[match.pk])
    response = client.post(propose, {"date": yesterday.isoformat()})
    assert response.status_code == 302
    ride = Ride.objects.get()
    assert (ride.proposed_by, ride.confirmed_at) == (passenger, None)
    confirm = reverse("carpool:confirm-ride", args=[ride.pk])

    # The one who proposed cannot confirm; a third member may not.
    response = client.post(confirm, follow=True)
    assert "à Paul M. de confirmer ce trajet." in page(response)
    third = make_member(bounded_town, neighbourhood=centre, display_name="Zoé")
    client.force_login(third.user)
    assert client.post(confirm).status_code == 403
    assert client.post(propose, {"date": yesterday.isoformat()}).status_code == 404
    ride.refresh_from_db()
    assert ride.confirmed_at is None
    assert not LedgerEntry.objects.filter(idempotency_key__startswith="carpool")

    client.force_login(driver.user)
    assert "dit que vous avez fait ce trajet ensemble" in page(client.get(MINE))
    response = client.post(confirm, follow=True)
    assert "Trajet confirmé" in page(response)
    entries = LedgerEntry.objects.filter(idempotency_key__startswith="carpool-ride-")
    assert sorted(entries.values_list("household_id", flat=True)) == sorted(
        [driver.household_id, passenger.household_id]
    )
    assert {entry.proof for entry in entries} == {ProofLevel.CONFIRMED}
    assert {entry.domain for entry in entries} == {"transport"}
    assert all(entry.points > 0 for entry in entries)
    assert f"carpool-ride-{ride.pk}-{driver.household.public_id}" in {
        entry.idempotency_key for entry in entries
    }

    # A second confirmation changes nothing.
    response = client.post(confirm, follow=True)
    assert "Ce trajet est déjà confirmé." in page(response)
    assert entries.count() == 2
    # The same day again: refused, the form shown again with the date.
    client.force_login(passenger.user)
    response = client.post(propose, {"date": yesterday.isoformat()})
    assert response.status_code == 200
    assert "Ce trajet est déjà noté pour ce jour." in page(response)
    assert Ride.objects.count() == 1


def test_a_ride_in_the_future_or_in_one_household_is_refused(
    client, driver, centre, gare, bounded_town
):
    offer = make_trip(driver, centre, gare)
    partner = make_member(
        bounded_town, household=driver.household, display_name="Léa M."
    )
    request = make_trip(partner, centre, gare, kind=TripKind.REQUEST)
    # Matching never pairs one household; a forged pair is refused anyway.
    assert not Match.objects.exists()
    match = Match.objects.create(offer=offer, request=request)
    client.force_login(partner.user)
    propose = reverse("carpool:propose-ride", args=[match.pk])
    response = client.post(propose, {"date": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert "entre deux foyers différents" in page(response)
    assert not Ride.objects.exists()


def test_no_address_is_taken_or_shown(client, driver, passenger, centre, gare):
    client.force_login(driver.user)
    response = client.post(
        NEW, trip_fields(centre, gare, from_label="12 rue des Lilas")
    )
    assert response.status_code == 200
    html = page(response)
    assert "Ne donnez pas votre adresse : un point de rendez-vous suffit" in html
    assert 'value="12 rue des Lilas"' in html  # kept, to be corrected
    assert not Trip.objects.exists()

    offer = make_trip(driver, centre, gare)
    make_trip(passenger, centre, gare, kind=TripKind.REQUEST)
    client.force_login(passenger.user)
    for url in (LIST, MINE, reverse("carpool:detail", args=[offer.pk])):
        html = page(client.get(url))
        assert "Parking de la mairie" in html
        assert "rue des Lilas" not in html
        assert 'name="address"' not in html
        assert driver.user.email not in html


def test_bad_input_is_refused_with_a_clear_message(client, driver, centre, gare):
    client.force_login(driver.user)
    cases = [
        ({"time": "25:99"}, "Saisissez une heure valide."),
        ({"seats": "0"}, "supérieure ou égale à 1"),
        ({"seats": "12"}, "inférieure ou égale à 8"),
        (
            {"from_latitude": "48.85", "from_longitude": "2.35"},
            "Ce point de rendez-vous est en dehors de Val-Test",
        ),
        (
            {"date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat()},
            "Cette date est passée",
        ),
        ({"regular": "1", "date": ""}, "Cochez au moins un jour de la semaine."),
    ]
    for changes, message in cases:
        response = client.post(NEW, trip_fields(centre, gare, **changes))
        assert response.status_code == 200, changes
        assert message in page(response), changes
        assert 'value="Parvis de la gare"' in page(response)
    assert not Trip.objects.exists()


def test_pages_are_for_the_towns_members(client, settings, driver, centre, gare):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "ailleurs.test"]
    offer = make_trip(driver, centre, gare)
    detail = reverse("carpool:detail", args=[offer.pk])
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("login") in response["Location"]

    elsewhere = make_town("Ailleurs", hostname="ailleurs.test")
    stranger = make_member(
        elsewhere, neighbourhood=NeighbourhoodFactory(town=elsewhere)
    )
    client.force_login(stranger.user)
    # On this town's site: not a member here.
    assert client.get(LIST).status_code == 404
    # On their own town's site: this town's trip does not exist.
    for url in (detail, reverse("carpool:close", args=[offer.pk])):
        method = client.get if url == detail else client.post
        assert method(url, HTTP_HOST="ailleurs.test").status_code == 404
    assert "Parking de la mairie" not in page(
        client.get(LIST, HTTP_HOST="ailleurs.test")
    )

    # Only its author closes a trip.
    neighbour = make_member(driver.town, neighbourhood=gare, display_name="Zoé")
    client.force_login(neighbour.user)
    assert client.post(reverse("carpool:close", args=[offer.pk])).status_code == 403
    client.force_login(driver.user)
    response = client.post(reverse("carpool:close", args=[offer.pk]), follow=True)
    assert "Trajet fermé" in page(response)
    offer.refresh_from_db()
    assert offer.state == TripState.CLOSED
    assert "Parking de la mairie" not in page(client.get(LIST))


def test_lists_are_filtered_paginated_and_bounded(
    client, monkeypatch, driver, passenger, centre, gare, bounded_town
):
    def counted(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make_trip(driver, centre, gare)
    make_trip(passenger, centre, gare, kind=TripKind.REQUEST)
    client.force_login(driver.user)
    # The first page of a process reads the town, kept after (community.towns).
    client.get(LIST)
    few_list, few_mine = counted(LIST), counted(MINE)
    for hour in range(6, 12):
        for member, kind in ((driver, TripKind.OFFER), (passenger, TripKind.REQUEST)):
            make_trip(member, centre, gare, kind=kind, time=f"{hour:02d}:10")
    assert Match.objects.count() > 5
    assert counted(LIST) == few_list
    assert counted(MINE) == few_mine

    offers = page(client.get(LIST, {"type": "offre"}))
    assert "Offre :" in offers and "Demande :" not in offers
    elsewhere = NeighbourhoodFactory(town=bounded_town, name="Plateau")
    assert "Aucun trajet" in page(client.get(LIST, {"quartier": elsewhere.pk}))
    # Pages; the filter stays in the pages' links.
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    offers = page(client.get(LIST, {"type": "offre"}))
    assert "type=offre&amp;page=2" in offers


def test_a_regular_offer_matches_a_one_off_request_on_its_day(
    driver, passenger, centre, gare
):
    tuesday = next_weekday(1)
    make_trip(driver, centre, gare, regular="1", weekdays=["1", "3"], date="")
    make_trip(passenger, centre, gare, kind=TripKind.REQUEST, date=tuesday.isoformat())
    assert Match.objects.count() == 1
    # A Wednesday is not one of its days.
    make_trip(
        passenger,
        centre,
        gare,
        kind=TripKind.REQUEST,
        date=(tuesday + datetime.timedelta(days=1)).isoformat(),
        to_label="Autre",
    )
    assert Match.objects.count() == 1

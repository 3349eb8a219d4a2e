"""« Mes données » and car-pooling: the archive holds the member's trips,
matches and rides; an erased account's trips go, with their matches."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from carpool import actions
from carpool.models import Match, Ride, Trip, TripKind
from mydata.actions import exports
from mydata.actions.deletion import DeletionMode, check_delete_account
from tests.carpool.conftest import make_trip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_archive_holds_the_trips_and_erasure_removes_them(
    driver, passenger, centre, gare
):
    offer = make_trip(driver, centre, gare)
    make_trip(passenger, centre, gare, kind=TripKind.REQUEST)
    match = Match.objects.get()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    actions.check_propose_ride(passenger, match, yesterday)

    export = exports.do_build_export(exports.check_request_export(driver).pk)
    with storages["exports"].open(export.file_name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    document = json.loads(archive.read("covoiturage.json"))
    [trip] = document["trajets"]
    assert trip["id"] == offer.pk
    assert trip["depart"]["point_de_rendez_vous"] == "Parking de la mairie"
    assert document["correspondances"] == [
        {"offre": offer.pk, "demande": match.request_id}
    ]
    assert document["trajets_faits"][0]["propose_par_moi"] is False

    check_delete_account(driver, password=PASSWORD, mode=DeletionMode.ANONYMISE)
    assert list(Trip.objects.values_list("member", flat=True)) == [passenger.pk]
    assert not Match.objects.exists() and not Ride.objects.exists()

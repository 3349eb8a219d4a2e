"""« Mes données » and events: the archive holds the household's
registrations and the events the member organises; a household's erasure
takes its registrations."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import storages

from common import kinds
from events.models import Registration
from mydata.actions import exports
from tests.events.helpers import make_event
from tests.events.test_registration import register
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def archive_of(member) -> zipfile.ZipFile:
    export = exports.do_build_export(exports.check_request_export(member).pk)
    with storages["exports"].open(export.file_name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_the_archive_holds_registrations_and_organised_events(
    client, event_index, town, neighbourhood
):
    organiser = make_member(town, neighbourhood=neighbourhood, display_name="Léa")
    guest = make_member(town, neighbourhood=neighbourhood, display_name="Omar")
    event = make_event(event_index, "Café réparation", organiser=organiser, capacity=2)
    assert register(client, guest, event, people=2).status_code == 200
    waiting = make_member(town, neighbourhood=neighbourhood, display_name="Ana")
    register(client, waiting, event)

    document = json.loads(archive_of(guest).read("evenements.json"))
    [registration] = document["inscriptions"]
    assert registration["evenement"] == "Café réparation"
    assert (registration["personnes"], registration["statut"]) == (2, "confirmed")
    assert document["organises"] == []

    organised = json.loads(archive_of(organiser).read("evenements.json"))
    assert organised["inscriptions"] == []
    assert [e["evenement"] for e in organised["organises"]] == ["Café réparation"]

    for erase in kinds.household_erasers():
        erase(guest.household, [])
    # The guest's places went to the waiting list.
    assert list(
        Registration.objects.filter(event=event).values_list("household", "status")
    ) == [(waiting.household_id, "confirmed")]

"""« Mes données » and reports: the archive holds the member's reports, notes
and follows; an erased account's reports stay, nameless."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from mydata.actions import exports
from mydata.actions.deletion import DeletionMode, check_delete_account
from reports import actions
from reports.models import Report, ReportFollow, ReportUpdate, UpdateKind
from tests.factories import PASSWORD, make_member, make_report, make_report_category
from tests.feeds.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture
def footprint(town, member, neighbourhood):
    """Anne's report (with a photo), her note and « moi aussi » on Paul's."""
    member.display_name = "Anne Zébulon"
    member.save()
    paul = make_member(town, neighbourhood=neighbourhood, display_name="Paul M.")
    category = make_report_category(town)
    own = make_report(member, category, photo=jpeg_with_gps(), client_key="a1")
    pauls = make_report(paul, category, client_key="p1")
    actions.check_add_note(member, pauls, "Toujours là ce matin.", "a2")
    actions.do_me_too(member, pauls)
    return member, paul, own, pauls


def test_the_archive_holds_the_members_reports_notes_and_follows(footprint):
    anne, _paul, own, pauls = footprint
    export = exports.do_build_export(exports.check_request_export(anne).pk)
    with storages["exports"].open(export.file_name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    document = json.loads(archive.read("signalements.json"))
    [report] = document["signalements"]
    assert report["id"] == own.pk and report["categorie"] == "Éclairage public"
    assert report["description"] == own.description
    assert archive.read(report["photo"])[:3] == b"\xff\xd8\xff"
    assert [
        (p["signalement"], p["type"], p["texte"]) for p in document["precisions"]
    ] == [
        (pauls.pk, UpdateKind.NOTE, "Toujours là ce matin."),
        (pauls.pk, UpdateKind.ME_TOO, ""),
    ]
    assert {(f["signalement"], f["moi_aussi"]) for f in document["suivis"]} == {
        (own.pk, False),
        (pauls.pk, True),
    }


@pytest.mark.parametrize("mode", [DeletionMode.REMOVE, DeletionMode.ANONYMISE])
def test_an_erased_members_reports_stay_without_author(client, footprint, mode):
    anne, paul, own, pauls = footprint
    check_delete_account(anne, password=PASSWORD, mode=mode)
    own.refresh_from_db()
    assert own.author_id is None and own.anonymous
    assert own.description  # a problem of the public space: the town keeps it
    assert not ReportUpdate.objects.filter(author_id=anne.pk).exists()
    note = ReportUpdate.objects.get(report=pauls, kind=UpdateKind.NOTE)
    assert note.author_id is None and note.note == "Toujours là ce matin."
    assert not ReportFollow.objects.exclude(member=paul).exists()
    assert Report.objects.count() == 2
    client.force_login(paul.user)
    html = client.get(reverse("reports:detail", args=[own.pk])).content.decode()
    assert "Anne Zébulon" not in html and "Signalé par un habitant." in html

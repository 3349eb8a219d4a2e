"""« Mes données » and tips: the archive holds the tips the member proposed,
published or still in review, beside the tips their household did."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import storages

from mydata.actions import exports
from tests.tips.test_moderation import PROPOSAL, propose

pytestmark = pytest.mark.django_db


def archive_of(member) -> zipfile.ZipFile:
    export = exports.do_build_export(exports.check_request_export(member).pk)
    with storages["exports"].open(export.file_name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_the_archive_holds_the_tips_the_member_proposed(client, tip_index, resident):
    tip = propose(client, tip_index, resident)
    archive = archive_of(resident)
    [entry] = json.loads(archive.read("astuces.json"))["proposees"]
    assert entry["id"] == tip.pk and entry["titre"] == PROPOSAL["title"]
    assert entry["en_bref"] == PROPOSAL["summary"] and entry["domaine"] == "energy"
    assert "Poser une tringle" in entry["texte"]
    assert entry["publiee"] is False and entry["publiee_le"] is None
    assert "astuces.json" in archive.read("LISEZMOI.txt").decode()


def test_another_member_s_archive_holds_none_of_them(client, tip_index, resident, town):
    from tests.factories import NeighbourhoodFactory, make_member

    propose(client, tip_index, resident)
    other = make_member(
        town, neighbourhood=NeighbourhoodFactory(town=town), display_name="Paul M."
    )
    assert json.loads(archive_of(other).read("astuces.json")) == {"proposees": []}

"""« Mes données » and tips: the archive holds the tips the member proposed,
published or still in review, beside the tips their household did; deleting
the account removes or keeps them as the member chose."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from wagtail.models import Revision, WorkflowState

from community.models import Member
from mydata.actions import exports
from tests.factories import PASSWORD
from tests.tips.helpers import make_tip
from tests.tips.test_moderation import PROPOSAL, propose, review
from tips.models import TipPage

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


def propose_another(client, tip_index, resident, title: str) -> TipPage:
    client.force_login(resident.user)
    response = client.post(f"{tip_index.url}proposer/", {**PROPOSAL, "title": title})
    assert response.status_code == 302
    return TipPage.objects.get(title=title)


def delete_account(client, resident, mode: str) -> None:
    client.force_login(resident.user)
    response = client.post(
        reverse("mydata:delete_account"),
        {"mode": mode, "password": PASSWORD, "confirm": "on"},
    )
    assert response.status_code == 302
    assert not Member.objects.filter(pk=resident.pk).exists()


def test_removing_my_content_deletes_my_proposals_and_uncredits_my_published_tip(
    client, tip_index, resident, moderator
):
    published = propose(client, tip_index, resident)
    review(client, moderator, published, "approve", "Merci")
    in_review = propose_another(client, tip_index, resident, "Éteindre la box")
    editors = make_tip(tip_index, "Une astuce de l'équipe")
    name = resident.display_name

    delete_account(client, resident, "remove")

    # The proposal still in review goes, with its revisions and workflow.
    assert not TipPage.objects.filter(pk=in_review.pk).exists()
    assert not Revision.objects.filter(object_id=str(in_review.pk)).exists()
    assert not WorkflowState.objects.filter(object_id=str(in_review.pk)).exists()
    # The published tip is the town's: it stays, credited to no one.
    published.refresh_from_db()
    assert published.live and published.author is None
    assert all(
        revision.content.get("author") is None
        for revision in Revision.objects.filter(object_id=str(published.pk))
    )
    client.logout()
    page = client.get(published.url)
    assert page.status_code == 200 and "Poser une tringle" in page.text
    assert name not in page.text and "Proposée par" not in page.text
    assert name not in client.get(tip_index.url).text
    assert TipPage.objects.filter(pk=editors.pk, live=True).exists()


def test_keeping_my_content_credits_my_tips_to_the_former_member(
    client, tip_index, resident, moderator
):
    published = propose(client, tip_index, resident)
    review(client, moderator, published, "approve", "Merci")
    in_review = propose_another(client, tip_index, resident, "Éteindre la box")
    name = resident.display_name

    delete_account(client, resident, "anonymise")

    former = Member.objects.get(town=resident.town, is_former_member=True)
    assert set(TipPage.objects.filter(author=former)) == {published, in_review}
    assert not TipPage.objects.get(pk=in_review.pk).live
    client.logout()
    page = client.get(published.url)
    assert "Proposée par ancien membre" in page.text and name not in page.text

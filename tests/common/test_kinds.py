"""The content-kind registry (common/kinds.py) and the registries beside it:
each app registers its kinds from ready(), and moderation, « Mes données »,
search and the member's home go through them (docs/architecture.md, « Layers »).
"""

import dataclasses

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from common import kinds, trust
from community import home
from feeds import actions as feeds_actions
from mydata import exporting
from search import registry as search_registry
from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db


def test_each_app_registers_its_kinds():
    owners = {kind.name: kind.model._meta.app_label for kind in kinds.all_kinds()}
    assert owners == {
        "post": "feeds",
        "comment": "feeds",
        "message": "feeds",
        "tip": "tips",
        "member": "community",
        "report": "reports",
        "report_note": "reports",
        "question": "referents",
        "answer": "referents",
        "video": "localtv",
    }
    assert {kind.name for kind in search_registry.kinds()} == {
        "neighbourhood",
        "post",
        "comment",
        "tip",
        "challenge",
        "ambassador",
        "question",
    }
    # A content kind's search kind is the one search indexes.
    for name in ("post", "comment", "tip"):
        assert kinds.get(name).search is search_registry.get(name)
    assert kinds.get("member").hide is None and kinds.get("tip").edit is None


def test_reporting_asks_the_kind_who_may_report(client, member, monkeypatch):
    author = make_member(member.town, neighbourhood=member.household.neighbourhood)
    post = feeds_actions.check_create_post(
        author, body="Un vide-grenier samedi", target="town", client_key="cle-k-1"
    )
    url = reverse("moderation:report", args=["post", post.pk])
    client.force_login(member.user)
    assert client.get(url).status_code == 200

    refusing = dataclasses.replace(
        kinds.get("post"), reportable=lambda reporter, obj: False
    )
    monkeypatch.setitem(kinds._kinds, "post", refusing)
    assert client.get(url).status_code == 404


def test_erasing_an_account_runs_every_registered_eraser(client, member, monkeypatch):
    seen = []
    monkeypatch.setattr(
        kinds, "_member_erasers", [*kinds.member_erasers(), seen.append]
    )
    client.force_login(member.user)
    answer = client.post(
        reverse("mydata:delete_account"),
        {"mode": "remove", "password": PASSWORD, "confirm": "on"},
    )
    assert answer.status_code == 302
    [erasure] = seen
    assert erasure.member.pk == member.pk and erasure.remove
    assert erasure.former.is_former_member and erasure.former.town_id == member.town_id


def test_the_archive_holds_every_registered_exporter_s_documents(member, monkeypatch):
    def export(member, archive):
        archive.documents["essai.json"] = {"membre": member.pk}

    monkeypatch.setattr(kinds, "_exporters", [*kinds.exporters(), export])
    documents = exporting.collect(member).documents
    assert documents["essai.json"] == {"membre": member.pk}
    # Feeds', tips' and meters' own parts are there too.
    assert documents["publications.json"] == []
    assert documents["actions.json"]["astuces_utiles"] == []
    assert "compteurs.json" in documents


def test_the_member_s_home_shows_every_registered_section(client, member, monkeypatch):
    def section(member, context):
        context["essai"] = member.pk

    monkeypatch.setattr(home, "_sections", [*home._sections, section])
    client.force_login(member.user)
    page = client.get("/")
    assert page.status_code == 200
    assert page.context["home"]["essai"] == member.pk
    assert "posts" in page.context["home"] and "challenges" in page.context["home"]


def test_no_write_passes_unchecked_without_moderation_s_trust(member, monkeypatch):
    monkeypatch.setattr(trust, "_implementation", [])
    with pytest.raises(ImproperlyConfigured):
        feeds_actions.check_create_post(
            member, body="Bonjour", target="town", client_key="cle-k-2"
        )


def test_a_new_kind_is_reportable_without_touching_moderation(
    client, member, monkeypatch
):
    """A kind registered by its own app (here a test kind over posts) is a
    choice of the moderation tables and its report page answers, with no
    change to moderation's code or migrations."""
    from moderation.models import ReportGroup

    author = make_member(member.town, neighbourhood=member.household.neighbourhood)
    post = feeds_actions.check_create_post(
        author, body="Troc de graines au marché", target="town", client_key="cle-k-9"
    )
    url = reverse("moderation:report", args=["annonce", post.pk])
    client.force_login(member.user)
    assert client.get(url).status_code == 404  # not a kind yet

    new_kind = dataclasses.replace(
        kinds.get("post"), name="annonce", label="Petite annonce"
    )
    monkeypatch.setitem(kinds._kinds, "annonce", new_kind)
    assert ("annonce", "Petite annonce") in ReportGroup._meta.get_field("kind").choices
    assert client.get(url).status_code == 200

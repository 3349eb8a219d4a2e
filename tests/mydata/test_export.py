"""« Mes données »: the archive holds what the member created, and only for them."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mydata.actions import exports
from mydata.models import DataExport, ExportState
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def archive_of(export: DataExport) -> zipfile.ZipFile:
    with storages["exports"].open(export.file_name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def doc(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def test_archive_holds_every_kind_of_data_the_member_created(footprint):
    anne = footprint.member
    export = exports.check_request_export(anne)
    built = exports.do_build_export(export.pk)

    assert built.state == ExportState.READY
    assert built.expires_at > timezone.now() + timedelta(days=6)
    # The stored path has a random directory nobody can guess.
    assert export.token in built.file_name and len(export.token) >= 40
    archive = archive_of(built)
    names = set(archive.namelist())

    profile = doc(archive, "profil.json")
    assert profile["compte"]["email"] == "anne.zebulon@example.org"
    assert profile["profil"]["nom_affiche"] == "Anne Zébulon"
    assert profile["foyer"]["identifiant_public"] == anne.household.public_id
    assert profile["profil"]["photo"] in names

    posts = doc(archive, "publications.json")
    assert [p["texte"] for p in posts] == [footprint.post.body]
    assert posts[0]["domaine"] == footprint.post.domain
    image = posts[0]["images"][0]
    assert image["description"] == "Le bac à compost"
    assert image["fichier"] in names
    assert archive.read(image["fichier"])[:3] == b"\xff\xd8\xff"  # a JPEG

    comments = doc(archive, "commentaires.json")
    assert [c["body"] for c in comments] == ["Et il ne sent rien !"]

    messages = doc(archive, "messages.json")
    assert {m["texte"] for m in messages} == {
        "Bonsoir le quartier",
        "Je te la rends demain",
    }
    # Only what she wrote: Paul's answer is his.
    assert "Pas de souci" not in json.dumps(messages)

    reactions = doc(archive, "reactions.json")
    assert [r["kind"] for r in reactions] == ["merci"]

    follows = doc(archive, "abonnements.json")
    assert follows["abonnements"][0]["target_id"] == footprint.neighbour.pk

    notifications = doc(archive, "notifications.json")
    assert {n["type"] for n in notifications["recues"]} >= {"reply", "message"}

    actions = doc(archive, "actions.json")
    logged = actions["actions_declarees"]
    assert len(logged) == 1 and logged[0]["points"] == footprint.logged_points
    assert logged[0]["photo"] in names
    assert actions["defis"][0]["challenge_id"] == footprint.challenge.pk

    points = doc(archive, "points.json")
    assert points["total"] == footprint.logged_points

    consents = doc(archive, "consentements.json")
    kinds = {(c["type"], c["retire_le"]) for c in consents}
    assert ("research", None) in kinds
    assert all(c["version"] >= 1 and c["donne_le"] for c in consents)
    assert "LISEZMOI.txt" in names
    # Every JSON document of the archive is named in its LISEZMOI.txt (each
    # app's line comes with its exporter's registration, common.kinds).
    readme = archive.read("LISEZMOI.txt").decode()
    for name in names:
        if name.endswith(".json"):
            assert name in readme, name


def test_each_registered_exporter_names_its_files_in_the_readme():
    """Adding a kind touches only its own app: its exporter registers the
    archive's lines that name its files, and mydata writes them."""
    from common import kinds as registry
    from mydata.exporting import readme

    described = registry.export_descriptions()
    assert len(described) >= 10
    text = readme()
    for lines in described:
        assert lines in text
        assert lines.startswith("- ")
    assert text.index("- profil.json") < text.index(described[0])
    assert text.index(described[-1]) < text.index("- points.json")


def test_request_view_creates_a_pending_export_built_after_commit(
    client, footprint, django_capture_on_commit_callbacks
):
    client.force_login(footprint.member.user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("mydata:request_export"))
    assert response.status_code == 302
    export = DataExport.objects.get(member=footprint.member)
    assert export.state == ExportState.PENDING
    # The thread is started after commit, never inside the request.
    assert len(callbacks) == 1

    # A second click while it is pending answers the same export.
    client.post(reverse("mydata:request_export"))
    assert DataExport.objects.filter(member=footprint.member).count() == 1

    # The command builds what a dead thread left behind.
    call_command("build_data_exports", verbosity=0)
    export.refresh_from_db()
    assert export.state == ExportState.READY
    page = client.get(reverse("mydata:home"))
    assert reverse("mydata:download", args=[export.pk]) in page.content.decode()
    download = client.get(reverse("mydata:download", args=[export.pk]))
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    body = b"".join(download.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None


def test_stale_build_is_picked_up_again_and_a_fresh_one_is_not(footprint):
    export = exports.check_request_export(footprint.member)
    DataExport.objects.filter(pk=export.pk).update(
        state=ExportState.BUILDING, started_at=timezone.now()
    )
    assert exports.do_build_pending_exports() == (0, 0)
    DataExport.objects.filter(pk=export.pk).update(
        started_at=timezone.now() - timedelta(hours=2)
    )
    assert exports.do_build_pending_exports() == (1, 0)
    export.refresh_from_db()
    assert export.state == ExportState.READY


def test_another_member_cannot_fetch_someone_elses_export(client, footprint, town):
    export = exports.do_build_export(exports.check_request_export(footprint.member).pk)
    url = reverse("mydata:download", args=[export.pk])

    client.force_login(footprint.neighbour.user)
    assert client.get(url).status_code == 404

    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "next=" in anonymous["Location"]

    client.force_login(footprint.member.user)
    assert client.get(url).status_code == 200


def test_expired_export_is_not_downloadable(client, footprint):
    export = exports.do_build_export(exports.check_request_export(footprint.member).pk)
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(footprint.member.user)
    assert client.get(reverse("mydata:download", args=[export.pk])).status_code == 404


def test_a_new_request_right_after_a_ready_one_is_refused(client, town, neighbourhood):
    member = make_member(town, neighbourhood=neighbourhood)
    exports.do_build_export(exports.check_request_export(member).pk)
    client.force_login(member.user)
    response = client.post(reverse("mydata:request_export"), follow=True)
    assert "attendez quelques minutes" in response.content.decode()
    assert DataExport.objects.filter(member=member).count() == 1


def test_home_lists_exports_in_a_bounded_number_of_queries(
    client, town, neighbourhood, django_assert_max_num_queries
):
    member = make_member(town, neighbourhood=neighbourhood)
    for _ in range(15):
        DataExport.objects.create(member=member, state=ExportState.FAILED)
    client.force_login(member.user)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("mydata:home"))
    # The latest ten only, whatever the history.
    assert page.content.decode().count("Échec : demandez") == 10

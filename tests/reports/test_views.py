"""The residents' report pages, through HTTP: filing in two steps, a report's
page and its buttons, the list, who sees the author's name."""

import io
import itertools
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from community.models import Role
from realtime.groups import reports_stream
from reports import actions
from reports.models import Report, ReportFollow, ReportState, ReportUpdate, UpdateKind
from tests.factories import (
    PASSWORD,
    NeighbourhoodFactory,
    grant,
    make_member,
    make_report,
    make_report_category,
    make_staff,
    make_town,
)
from tests.feeds.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db

NEW = reverse("reports:new")
DETAILS = reverse("reports:new-details")
_keys = itertools.count(1)


@pytest.fixture(autouse=True)
def generous_rates(settings) -> None:
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "REPORT_RATE": (10_000, 600),
        "REPORT_NOTE_RATE": (10_000, 600),
    }


@pytest.fixture
def category(town):
    town.bounds_south, town.bounds_north = 45.0, 45.1
    town.bounds_west, town.bounds_east = 4.0, 4.1
    town.save()
    return make_report_category(town)


@pytest.fixture
def neighbour(town, neighbourhood):
    return make_member(town, neighbourhood=neighbourhood, display_name="Paul M.")


def details(category, **fields) -> dict:
    """What step 2 posts: step 1's answers, then the details."""
    data = {
        "category": category.pk,
        "latitude": "",
        "longitude": "",
        "address": "",
        "neighbourhood": "",
        "description": "Le lampadaire clignote toute la nuit.",
        "client_key": f"cle-{next(_keys)}",
    }
    data.update(fields)
    return data


def page(response) -> str:
    return response.content.decode()


def test_step_one_offers_the_towns_active_categories_and_keeps_answers(
    client, member, category
):
    make_report_category(member.town, "Retirée", active=False)
    make_report_category(make_town("Ailleurs", hostname="ailleurs.test"), "Autre")
    client.force_login(member.user)
    response = client.get(NEW, {"category": category.pk, "address": "Place Neuve"})
    assert response.status_code == 200
    html = page(response)
    assert "Éclairage public" in html
    assert "Retirée" not in html and "Autre" not in html
    # The answers come back when « Modifier » returns here.
    assert 'value="Place Neuve"' in html
    assert re.search(rf'value="{category.pk}"[^>]*checked', html)
    for name in ("latitude", "longitude", "address", "neighbourhood"):
        assert f'name="{name}"' in html
    assert f'action="{DETAILS}"' in html and 'method="get"' in html


def test_filing_with_a_position_strips_the_photo_and_names_nobody(
    client, member, category
):
    client.force_login(member.user)
    step2 = client.get(
        DETAILS, {"category": category.pk, "latitude": "45.05", "longitude": "4.05"}
    )
    assert step2.status_code == 200
    html = page(step2)
    assert 'name="latitude" value="45.05"' in html
    assert 'name="client_key"' in html and 'enctype="multipart/form-data"' in html
    data = details(
        category,
        latitude="45.05",
        longitude="4.05",
        anonymous="on",
        photo=jpeg_with_gps(),
    )
    response = client.post(DETAILS, data)
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert (report.latitude, report.longitude) == (45.05, 4.05)
    assert report.author == member and report.anonymous
    for field in (report.photo, report.thumbnail):
        field.open()
        with Image.open(io.BytesIO(field.read())) as stored:
            assert stored.format == "JPEG" and not stored.getexif()
    assert "chez_moi" not in report.photo.name
    shown = page(client.get(response["Location"]))
    assert "votre signalement est enregistré" in shown
    assert report.thumbnail.url in shown and report.photo.url in shown
    # A resent form (same client key) files nothing new.
    data["photo"] = jpeg_with_gps()
    assert client.post(DETAILS, data).status_code == 302
    assert Report.objects.count() == 1


def test_filing_with_an_address_only(client, member, category, neighbourhood):
    client.force_login(member.user)
    query = {"category": category.pk, "address": "12 rue de la Gare"}
    step2 = client.get(DETAILS, {**query, "neighbourhood": neighbourhood.pk})
    assert step2.status_code == 200
    assert "Déjà signalé près d'ici" not in page(step2)
    assert "12 rue de la Gare" in page(step2)
    response = client.post(
        DETAILS,
        details(category, address="12 rue de la Gare", neighbourhood=neighbourhood.pk),
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.latitude is None and report.address == "12 rue de la Gare"
    assert report.neighbourhood == neighbourhood and not report.anonymous


def test_a_bad_position_goes_back_to_step_one_with_a_french_error(
    client, member, category
):
    client.force_login(member.user)
    response = client.get(
        DETAILS,
        {
            "category": category.pk,
            "latitude": "48.85",
            "longitude": "2.35",
            "address": "Sous le pont",
        },
    )
    assert response.status_code == 200
    html = page(response)
    assert "en dehors de Val-Test" in html
    assert 'value="Sous le pont"' in html and 'value="48.85"' in html
    assert "Étape 1 sur 2" in html
    nowhere = client.get(DETAILS, {"category": category.pk})
    assert "Placez le repère sur la carte ou écrivez l" in page(nowhere)
    garbled = client.get(
        DETAILS, {"category": "999999", "latitude": "abc", "longitude": "4"}
    )
    assert garbled.status_code == 200
    assert "Choisissez une catégorie de la liste." in page(garbled)
    assert "latitude et une longitude en degrés" in page(garbled)
    assert Report.objects.count() == 0


def test_step_two_errors_keep_everything_typed_and_write_nothing(
    client, member, category
):
    client.force_login(member.user)
    typed = "Très long. " * 200
    response = client.post(
        DETAILS, details(category, address="Rue Haute", description=typed)
    )
    assert response.status_code == 200
    html = page(response)
    assert "Très long." in html and 'value="Rue Haute"' in html
    assert "2000" in html  # the length limit, said in French
    # A category withdrawn between the two steps: said on top, answers kept.
    category.active = False
    category.save()
    response = client.post(
        DETAILS, details(category, address="Rue Haute", description="Trou")
    )
    assert response.status_code == 200
    assert "Choisissez une catégorie de la liste." in page(response)
    assert "Trou</textarea>" in page(response)
    assert Report.objects.count() == 0
    assert ReportUpdate.objects.count() == 0


def test_step_two_shows_reports_nearby_with_me_too_and_note_links(
    client, member, neighbour, category
):
    close = make_report(neighbour, category, latitude=45.05, longitude=4.05)
    far = make_report(neighbour, category, latitude=45.052, longitude=4.05)  # ~220 m
    other = make_report(
        neighbour,
        make_report_category(member.town, "Voirie"),
        latitude=45.05,
        longitude=4.05,
    )
    client.force_login(member.user)
    response = client.get(
        DETAILS, {"category": category.pk, "latitude": "45.0501", "longitude": "4.05"}
    )
    html = page(response)
    assert "Déjà signalé près d'ici" in html
    assert f'id="report-{close.pk}"' in html
    assert f'id="report-{far.pk}"' not in html
    assert f'id="report-{other.pk}"' not in html
    assert reverse("reports:me-too", args=[close.pk]) in html
    assert reverse("reports:detail", args=[close.pk]) + "#precision" in html
    assert "à 11 m" in html


def test_reports_nearby_are_open_ones_of_the_last_30_days(
    client, member, neighbour, category
):
    """Only what a resident can still support or add to: open reports (ouvert,
    pris en charge) filed in the last 30 days."""
    agent = make_staff(member.town, Role.SERVICE)
    kept = make_report(neighbour, category, latitude=45.05, longitude=4.05)
    taken = make_report(neighbour, category, latitude=45.05, longitude=4.0501)
    actions.check_change_state(agent, taken, ReportState.ACKNOWLEDGED, "Vu.")
    for state in (ReportState.RESOLVED, ReportState.CLOSED, ReportState.DUPLICATE):
        report = make_report(neighbour, category, latitude=45.05, longitude=4.05)
        actions.check_change_state(agent, report, state, "Fait.", duplicate_of=kept)
    old = make_report(neighbour, category, latitude=45.05, longitude=4.05)
    recent = make_report(neighbour, category, latitude=45.05, longitude=4.05)
    now = timezone.now()
    Report.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=31))
    Report.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=29))
    client.force_login(member.user)
    html = page(
        client.get(
            DETAILS, {"category": category.pk, "latitude": "45.05", "longitude": "4.05"}
        )
    )
    shown = {int(pk) for pk in re.findall(r'id="report-(\d+)"', html)}
    assert shown == {kept.pk, taken.pk, recent.pk}


def test_me_too_on_a_closed_report_is_refused_in_french(
    client, member, neighbour, category
):
    report = make_report(member, category)
    actions.check_change_state(
        make_staff(member.town, Role.SERVICE), report, ReportState.RESOLVED, "Fait."
    )
    client.force_login(neighbour.user)
    response = client.post(reverse("reports:me-too", args=[report.pk]), follow=True)
    assert response.status_code == 200
    assert "Ce signalement est clos : faites-en un nouveau" in page(response)
    report.refresh_from_db()
    assert report.supporters_count == 0
    assert not ReportFollow.objects.filter(report=report, member=neighbour).exists()


def test_a_photo_that_is_no_picture_or_too_big_is_refused_in_french(
    client, member, category, settings
):
    client.force_login(member.user)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", "image/jpeg")
    response = client.post(DETAILS, details(category, address="Rue Haute", photo=fake))
    assert response.status_code == 200
    html = page(response)
    assert "pas une image lisible (JPEG, PNG, WebP ou GIF)" in html
    assert "choisissez de nouveau votre photo" in html
    assert "Le lampadaire clignote toute la nuit.</textarea>" in html
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "REPORT_PHOTO_MAX_BYTES": 1024}
    response = client.post(
        DETAILS, details(category, address="Rue Haute", photo=jpeg_with_gps())
    )
    assert response.status_code == 200
    assert "image dépasse la taille maximale" in page(response)
    assert Report.objects.count() == 0


def test_me_too_counts_once_and_follows(client, member, neighbour, category):
    report = make_report(member, category)
    url = reverse("reports:me-too", args=[report.pk])
    client.force_login(neighbour.user)
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert "votre « moi aussi » est compté" in page(client.get(response["Location"]))
    client.post(url)
    report.refresh_from_db()
    assert report.supporters_count == 1
    assert ReportFollow.objects.get(report=report, member=neighbour).me_too
    # The author's own « moi aussi » counts nothing.
    client.force_login(member.user)
    client.post(url)
    report.refresh_from_db()
    assert report.supporters_count == 1
    assert client.get(url).status_code == 405


def test_follow_and_unfollow(client, member, neighbour, category):
    report = make_report(member, category)
    url = reverse("reports:follow", args=[report.pk])
    client.force_login(neighbour.user)
    assert "Suivre ce signalement" in page(client.get(report_url(report)))
    client.post(url, {"follow": "1"})
    assert ReportFollow.objects.filter(report=report, member=neighbour).exists()
    assert "Ne plus suivre" in page(client.get(report_url(report)))
    client.post(url, {"follow": "0"})
    assert not ReportFollow.objects.filter(report=report, member=neighbour).exists()
    # Who said « moi aussi » and stops following stays counted, once.
    client.post(reverse("reports:me-too", args=[report.pk]))
    client.post(url, {"follow": "0"})
    assert "Suivre ce signalement" in page(client.get(report_url(report)))
    client.post(reverse("reports:me-too", args=[report.pk]))
    report.refresh_from_db()
    assert report.supporters_count == 1
    assert not ReportFollow.objects.get(report=report, member=neighbour).notify


def report_url(report: Report) -> str:
    return reverse("reports:detail", args=[report.pk])


def test_a_note_is_added_errors_keep_the_text_and_closed_reports_say_why(
    client, member, neighbour, category
):
    report = make_report(member, category)
    url = reverse("reports:note", args=[report.pk])
    client.force_login(neighbour.user)
    response = client.post(url, {"note": "Toujours là ce matin.", "client_key": "n1"})
    update = ReportUpdate.objects.get(kind=UpdateKind.NOTE)
    assert response["Location"] == f"{report_url(report)}#update-{update.pk}"
    assert "Toujours là ce matin." in page(client.get(report_url(report)))
    assert ReportFollow.objects.filter(report=report, member=neighbour).exists()
    empty = client.post(url, {"note": "   ", "client_key": "n2"})
    assert empty.status_code == 200 and "Champ requis." in page(empty)
    actions.check_change_state(
        make_staff(member.town, Role.SERVICE), report, ReportState.CLOSED, "Réparé."
    )
    refused = client.post(url, {"note": "Encore cassé !", "client_key": "n3"})
    assert refused.status_code == 200
    assert "Encore cassé !" in page(refused) and "Ce signalement est clos" in page(
        refused
    )
    assert ReportUpdate.objects.filter(kind=UpdateKind.NOTE).count() == 1
    closed = page(client.get(report_url(report)))
    assert "on ne peut plus y ajouter de précision" in closed
    assert reverse("reports:note", args=[report.pk]) not in closed


def test_an_anonymous_author_is_hidden_from_residents_and_shown_to_staff(
    client, town, member, neighbour, category
):
    member.display_name = "Anne Zébulon"
    member.save()
    hidden = make_report(member, category, anonymous=True)
    signed = make_report(member, category)
    client.force_login(neighbour.user)
    assert "Anne Zébulon" not in page(client.get(report_url(hidden)))
    assert "Signalé par un habitant." in page(client.get(report_url(hidden)))
    assert "Signalé par Anne Zébulon" in page(client.get(report_url(signed)))
    assert "Traiter dans l" not in page(client.get(report_url(signed)))
    client.logout()
    assert "Anne Zébulon" not in page(client.get(report_url(signed)))
    client.force_login(make_staff(town, Role.SERVICE))
    staff_page = page(client.get(report_url(hidden)))
    assert "Signalé par Anne Zébulon" in staff_page
    assert "nom caché aux autres habitants" in staff_page
    assert f'href="/admin/signalements/{hidden.pk}/"' in staff_page


def test_another_towns_report_is_not_found(client, member, category):
    elsewhere = make_town("Ailleurs", hostname="ailleurs.test")
    stranger = make_member(
        elsewhere, neighbourhood=NeighbourhoodFactory(town=elsewhere)
    )
    foreign = make_report(stranger, make_report_category(elsewhere))
    client.force_login(member.user)
    assert client.get(report_url(foreign)).status_code == 404
    for name in ("me-too", "follow", "note"):
        response = client.post(reverse(f"reports:{name}", args=[foreign.pk]))
        assert response.status_code == 404, name
    assert not ReportFollow.objects.filter(member=member).exists()
    # A member of another town files nothing here.
    client.force_login(stranger.user)
    assert client.get(NEW).status_code == 404
    assert client.post(DETAILS, details(category, address="Ici")).status_code == 404
    assert Report.objects.count() == 1


def test_filing_is_for_members_only(client, town, category):
    response = client.get(NEW)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    agent = User.objects.create_user("agent", "agent@example.org", PASSWORD)
    grant(agent, town, Role.SERVICE)
    client.force_login(agent)
    assert client.get(NEW).status_code == 404
    assert client.post(DETAILS, details(category, address="Ici")).status_code == 404
    assert Report.objects.count() == 0


def test_a_report_page_carries_its_live_stream(client, member, category):
    report = make_report(member, category)
    client.force_login(member.user)
    html = page(client.get(report_url(report)))
    assert f'data-live-stream="{reports_stream(member.town_id)}"' in html
    assert 'data-live-since="' in html
    client.logout()
    assert "data-live-stream" not in page(client.get(report_url(report)))


def test_followers_read_a_state_change_in_the_notification_centre(
    client, town, member, category
):
    report = make_report(member, category)
    actions.check_change_state(
        make_staff(town, Role.SERVICE), report, ReportState.ACKNOWLEDGED, "Vu."
    )
    client.force_login(member.user)
    html = page(client.get(reverse("feeds:notifications")))
    assert "Service voirie" in html
    assert "du nouveau sur un signalement que vous suivez" in html
    assert "« Éclairage public » : pris en charge" in html


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_and_a_page_cost_the_same_queries_however_many_rows(
    client, member, neighbour, category
):
    client.force_login(neighbour.user)
    list_url = reverse("reports:list")
    first = make_report(member, category, latitude=45.05, longitude=4.05)
    for _n in range(4):
        make_report(member, category, latitude=45.05, longitude=4.05)
    actions.check_add_note(neighbour, first, "Précision", "p0")
    # The first page of a process reads the town, kept after (community.towns).
    client.get(list_url)
    few = _queries(client, list_url)
    few_detail = _queries(client, report_url(first))
    step2 = f"{DETAILS}?category={category.pk}&latitude=45.05&longitude=4.05"
    few_nearby = _queries(client, step2)
    for n in range(35):
        make_report(member, category, latitude=45.05, longitude=4.05)
        actions.check_add_note(neighbour, first, f"Précision {n}", f"p{n + 1}")
    assert _queries(client, list_url) == few
    assert _queries(client, report_url(first)) == few_detail
    assert _queries(client, step2) == few_nearby
    assert f'id="report-{first.pk}"' not in page(client.get(list_url))
    assert f'id="report-{first.pk}"' in page(client.get(list_url, {"page": 2}))


def test_a_hidden_report_is_for_the_towns_staff_only(client, town, member, category):
    report = make_report(member, category)
    actions.do_set_report_moderation(report, hidden=True)
    client.force_login(member.user)
    assert client.get(report_url(report)).status_code == 404
    assert client.post(reverse("reports:me-too", args=[report.pk])).status_code == 404
    assert f'id="report-{report.pk}"' not in page(client.get(reverse("reports:list")))
    client.force_login(make_staff(town, Role.MODERATOR))
    html = page(client.get(report_url(report)))
    assert "masqué par la modération" in html
    assert reverse("reports:me-too", args=[report.pk]) not in html

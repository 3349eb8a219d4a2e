"""« Mes compteurs » through the test client: who may open it, a file from upload
to the dashboard, bad and repeated files, typed indexes and the replaced-meter
question, and a bounded number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.models import HouseholdStatus
from meters.models import MeterIndex, MeterUpload, UploadStatus
from meters.views_common import period_words
from scoring import client as scoring
from scoring.models import SensorReading
from tests.factories import NeighbourhoodFactory, make_household, make_member
from tests.meters.files import enedis_daily, gazpar_csv

HOME = "/foyer/compteurs/"


@pytest.fixture
def household(neighbourhood):
    return make_household(neighbourhood, status=HouseholdStatus.ACTIVE)


@pytest.fixture
def resident(town, household):
    return make_member(town, household=household, display_name="Camille")


@pytest.fixture
def client_in(resident) -> Client:
    client = Client()
    client.force_login(resident.user)
    return client


def recent_start(days: int) -> date:
    """The first of `days` days ending yesterday: inside the dashboard's month."""
    return timezone.localdate() - timedelta(days=days)


def send_file(client: Client, data: bytes, name: str = "export.csv", **extra):
    return client.post(
        reverse("meters:upload"),
        {"file": SimpleUploadedFile(name, data, "text/csv"), **extra},
    )


def test_the_urls_keep_their_names():
    assert reverse("meters:home") == HOME
    assert reverse("meters:upload") == "/foyer/compteurs/fichier/"
    assert reverse("meters:index") == "/foyer/compteurs/index/"


@pytest.mark.django_db
def test_anonymous_visitors_log_in_and_non_members_get_404(town, neighbourhood):
    response = Client().get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    # Signed in without a household (a staff account): the same 404 as the
    # household page gives.
    from community import roles
    from tests.factories import make_staff

    staff = make_staff(town, roles.MODERATOR)
    client = Client()
    client.force_login(staff)
    assert client.get(HOME).status_code == 404
    assert client.post(reverse("meters:upload"), {}).status_code == 404
    assert client.post(reverse("meters:index"), {}).status_code == 404


def test_the_page_shows_three_meters_and_both_forms(client_in):
    response = client_in.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Électricité", "Gaz", "Eau"):
        assert label in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="keep_file"' in html
    assert "checked" not in html.split('name="keep_file"')[1].split(">")[0]
    assert "le fichier n&#x27;est pas gardé" in html
    # The index form: the unit per meter, today's date by default.
    assert "Électricité (kWh)" in html and "Gaz (m³)" in html and "Eau (m³)" in html
    assert f'value="{timezone.localdate().isoformat()}"' in html
    # The household page links here.
    household_page = client_in.get(reverse("household"), follow=True)
    assert HOME in household_page.content.decode()


def test_upload_preview_confirm_then_the_dashboard_shows_it(client_in, household):
    # The dashboard shows the calendar month: days of this month up to today.
    today = timezone.localdate()
    start, days = today.replace(day=1), today.day
    total = 9 * days
    response = send_file(client_in, enedis_daily(start, days, wh=9000))
    assert response.status_code == 302
    upload = MeterUpload.objects.get()
    assert response.url == reverse("meters:preview", args=[upload.pk])
    assert upload.status == UploadStatus.PENDING
    assert not upload.file  # the box was left unchecked
    assert not SensorReading.objects.filter(household=household).exists()

    preview = client_in.get(response.url).content.decode()
    assert "09876543210123" in preview  # the PRM
    period = period_words(start, today)
    assert period[0].upper() + period[1:] in preview
    assert f"{total} kWh" in preview
    assert "Enregistrer" in preview and "Annuler" in preview
    assert preview.count("csrfmiddlewaretoken") >= 2

    confirmed = client_in.post(response.url, {"decision": "confirm"}, follow=True)
    html = confirmed.content.decode()
    assert f"{days} jour" in html and "ajouté" in html
    upload.refresh_from_db()
    assert upload.status == UploadStatus.STORED
    assert SensorReading.objects.filter(household=household).count() == days

    summary = scoring.get_sensor_summary(household, "month")
    metric = summary["metrics"]["electricity_kwh"]
    assert Decimal(str(metric["total"])) == Decimal(total)
    dashboard = client_in.get(reverse("challenges:dashboard")).content.decode()
    assert f"{total},0 kWh" in dashboard

    # Confirming again (a back button) stores nothing more.
    again = client_in.post(response.url, {"decision": "confirm"}, follow=True)
    assert "déjà été traité" in again.content.decode()
    assert SensorReading.objects.filter(household=household).count() == days


def test_the_same_file_twice_says_so_and_stores_nothing(client_in, household):
    data = enedis_daily(recent_start(5), 5)
    first = send_file(client_in, data)
    client_in.post(first.url, {"decision": "confirm"})
    response = send_file(client_in, data, name="encore.csv")
    assert response.status_code == 200
    assert "déjà été envoyé" in response.content.decode()
    assert MeterUpload.objects.count() == 1


def test_a_later_file_says_which_days_it_replaces(client_in, household):
    start = recent_start(10)
    first = send_file(client_in, enedis_daily(start, 5))
    client_in.post(first.url, {"decision": "confirm"})
    second = send_file(client_in, enedis_daily(start + timedelta(days=3), 5, wh=8000))
    preview = client_in.get(second.url).content.decode()
    assert "2 jours déjà enregistrés seront remplacés" in preview
    done = client_in.post(second.url, {"decision": "confirm"}, follow=True)
    assert "2 jours remplacés" in done.content.decode()


def test_a_bad_file_names_the_line_and_keeps_nothing(client_in, household):
    data = enedis_daily(recent_start(5), 5).replace(b";9000\r\n", b";abc\r\n", 1)
    response = send_file(client_in, data, keep_file="on")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ligne 4" in html
    assert 'role="alert"' in html
    assert MeterUpload.objects.count() == 0
    assert not SensorReading.objects.filter(household=household).exists()
    # No file at all: a form error too.
    empty = client_in.post(reverse("meters:upload"), {})
    assert "Choisissez un fichier." in empty.content.decode()


def test_cancel_drops_the_file_and_its_kept_copy(client_in, household):
    response = send_file(client_in, gazpar_csv(recent_start(4), 4), keep_file="on")
    upload = MeterUpload.objects.get()
    assert upload.keep_file and upload.file
    assert (
        "Une copie du fichier sera gardée"
        in client_in.get(response.url).content.decode()
    )
    done = client_in.post(response.url, {"decision": "cancel"}, follow=True)
    assert "rien n&#x27;a été enregistré" in done.content.decode()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CANCELLED
    assert not upload.file
    assert not SensorReading.objects.filter(household=household).exists()


def test_another_household_cannot_see_or_confirm_a_preview(
    client_in, town, neighbourhood
):
    response = send_file(client_in, enedis_daily(recent_start(5), 5))
    other = make_member(town, neighbourhood=NeighbourhoodFactory(town=town))
    client = Client()
    client.force_login(other.user)
    assert client.get(response.url).status_code == 404
    assert client.post(response.url, {"decision": "confirm"}).status_code == 404
    assert MeterUpload.objects.get().status == UploadStatus.PENDING
    assert client.get("/foyer/compteurs/fichier/pas-un-uuid/").status_code == 404


def test_core_down_on_confirm_queues_and_sends_later(client_in, household, settings):
    response = send_file(client_in, enedis_daily(recent_start(5), 5))
    # A remote core that does not answer (nothing listens on this port).
    settings.SCORING_CORE_URL = "http://127.0.0.1:9/api/scoring/v1/"
    done = client_in.post(response.url, {"decision": "confirm"}, follow=True)
    assert "fichier est en attente et sera enregistré" in done.content.decode()
    upload = MeterUpload.objects.get()
    assert upload.status == UploadStatus.QUEUED
    assert not SensorReading.objects.filter(household=household).exists()
    waiting = client_in.get(HOME).content.decode()
    assert "1 envoi attend que le calcul des consommations réponde" in waiting
    # The core is back: opening the page sends it, once.
    settings.SCORING_CORE_URL = ""
    client_in.get(HOME)
    client_in.get(HOME)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.STORED
    assert SensorReading.objects.filter(household=household).count() == 5


def post_index(client: Client, kind: str, day: date, value: str, **extra):
    return client.post(
        reverse("meters:index"),
        {"meter_kind": kind, "read_on": day.isoformat(), "value": value, **extra},
    )


def test_indexes_spread_the_consumption_and_show_on_the_page(client_in, household):
    today = timezone.localdate()
    response = post_index(client_in, "water", today - timedelta(days=10), "120,5")
    assert response.status_code == 302
    post_index(client_in, "water", today, "121,5")
    assert MeterIndex.objects.filter(household=household).count() == 2
    readings = SensorReading.objects.filter(household=household, metric="water_l")
    assert readings.count() == 10
    assert all(reading.estimated for reading in readings)
    html = client_in.get(HOME).content.decode()
    assert "121,5 m³" in html


def test_invalid_index_keeps_what_was_typed(client_in, household):
    response = post_index(client_in, "gas", timezone.localdate(), "douze")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="douze"' in html
    assert (
        'value="gas" checked' in html
        or 'checked value="gas"' in html
        or ('value="gas"' in html and "checked" in html)
    )
    future = post_index(
        client_in, "gas", timezone.localdate() + timedelta(days=2), "12"
    )
    assert "futur" in future.content.decode()
    assert MeterIndex.objects.count() == 0


def test_a_lower_index_asks_if_the_meter_was_replaced(client_in, household):
    today = timezone.localdate()
    post_index(client_in, "electricity", today - timedelta(days=20), "5000")
    response = post_index(client_in, "electricity", today, "12")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le compteur a-t-il été remplacé ?" in html
    assert 'name="new_meter"' in html and 'type="radio"' in html
    # The typed values ride along in hidden fields; nothing stored yet.
    assert 'type="hidden" name="value" value="12' in html
    assert MeterIndex.objects.count() == 1

    # No answer: asked again, still nothing stored.
    unanswered = client_in.post(
        reverse("meters:index"),
        {
            "question": "1",
            "meter_kind": "electricity",
            "read_on": today.isoformat(),
            "value": "12",
        },
    )
    assert "Répondez par oui ou par non." in unanswered.content.decode()
    assert MeterIndex.objects.count() == 1

    # « Non »: refused with the reason, nothing stored.
    refused = client_in.post(
        reverse("meters:index"),
        {
            "question": "1",
            "meter_kind": "electricity",
            "read_on": today.isoformat(),
            "value": "12",
            "new_meter": "non",
        },
    )
    assert "ne peut pas baisser" in refused.content.decode()
    assert MeterIndex.objects.count() == 1

    # « Oui »: a new meter, stored as such.
    accepted = client_in.post(
        reverse("meters:index"),
        {
            "question": "1",
            "meter_kind": "electricity",
            "read_on": today.isoformat(),
            "value": "12",
            "new_meter": "oui",
        },
    )
    assert accepted.status_code == 302
    index = MeterIndex.objects.get(read_on=today)
    assert index.new_meter is True
    assert "nouveau compteur" in client_in.get(HOME).content.decode()


def test_the_page_runs_a_bounded_number_of_queries(
    client_in, household, django_assert_max_num_queries
):
    today = timezone.localdate()
    for n in range(6):
        data = enedis_daily(today - timedelta(days=40 - 5 * n), 5, wh=9000 + n)
        response = send_file(client_in, data, name=f"f{n}.csv")
        client_in.post(response.url, {"decision": "confirm"})
    for n, kind in enumerate(("water", "gas", "electricity")):
        post_index(client_in, kind, today - timedelta(days=30), str(100 + n))
        post_index(client_in, kind, today - timedelta(days=n), str(200 + n))
    # 20 today with every kind of row; the history adds none.
    with django_assert_max_num_queries(22):
        response = client_in.get(HOME)
    assert response.status_code == 200

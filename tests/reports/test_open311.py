"""Open311 GeoReport v2 at /open311/v2/: every endpoint in JSON and XML,
filters and paging, filing with a key, the spec's errors, no names leaving."""

import xml.etree.ElementTree as ET  # noqa: S405 (our own answers)
from datetime import timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.apikeys import do_create_api_key, do_revoke_api_key
from community.models import ApiKeyPurpose, Role
from reports import actions
from reports.models import Report, ReportSource, ReportState
from tests.factories import (
    make_member,
    make_report,
    make_report_category,
    make_staff,
    make_town,
)

pytestmark = pytest.mark.django_db

API = "/open311/v2/"


@pytest.fixture
def category(bounded_town):
    return make_report_category(
        bounded_town,
        "Éclairage public",
        service_code="eclairage",
        service_name="Service voirie",
        description="Lampadaires éteints ou clignotants",
    )


@pytest.fixture
def key(bounded_town):
    return do_create_api_key(bounded_town, ApiKeyPurpose.OPEN311, "Appli Ma Rue")[1]


@pytest.fixture
def reporter(bounded_town, neighbourhood):
    return make_member(
        bounded_town, neighbourhood=neighbourhood, display_name="Zoé Secret"
    )


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own answer)


def post(client, key, fmt="json", **fields):
    data = {
        "api_key": key,
        "service_code": "eclairage",
        "description": "Le lampadaire du 3 rue Haute clignote.",
        "lat": "45.05",
        "long": "4.05",
        **fields,
    }
    return client.post(
        f"{API}requests.{fmt}", {k: v for k, v in data.items() if v is not None}
    )


def test_discovery_in_both_formats(client, bounded_town):
    data = client.get(f"{API}discovery.json").json()
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get(f"{API}discovery.xml"))
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert formats == ["text/xml", "application/json"]


def test_services_are_the_active_categories(client, category, bounded_town):
    make_report_category(bounded_town, "Ancienne", service_code="vieux", active=False)
    other = make_town("Ailleurs", hostname="127.0.0.1")
    make_report_category(other, "Ailleurs", service_code="ailleurs")
    services = client.get(f"{API}services.json").json()
    assert services == [
        {
            "service_code": "eclairage",
            "service_name": "Éclairage public",
            "description": "Lampadaires éteints ou clignotants",
            "metadata": False,
            "type": "realtime",
            "keywords": "Éclairage public",
            "group": "Service voirie",
        }
    ]
    root = xml(client.get(f"{API}services.xml"))
    (service,) = root.findall("service")
    assert service.findtext("service_code") == "eclairage"
    assert service.findtext("metadata") == "false"
    assert service.findtext("group") == "Service voirie"


def test_service_definition(client, category):
    data = client.get(f"{API}services/eclairage.json").json()
    assert data == {"service_code": "eclairage", "attributes": []}
    root = xml(client.get(f"{API}services/eclairage.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "eclairage"
    missing = client.get(f"{API}services/nope.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404


def test_requests_serve_the_reports_without_names(
    client, reporter, category, bounded_town
):
    report = make_report(
        reporter, category, latitude=45.05, longitude=4.05, address="3 rue Haute"
    )
    staff = make_staff(bounded_town, Role.SERVICE)
    actions.check_change_state(
        staff, report, ReportState.ACKNOWLEDGED, "Équipe prévue mardi."
    )
    hidden = make_report(reporter, category, description="Masqué")
    actions.do_set_report_moderation(hidden, True)
    assert client.get(f"{API}requests/{hidden.pk}.json").status_code == 404
    response = client.get(f"{API}requests.json")
    assert response.status_code == 200
    (item,) = response.json()
    assert item["service_request_id"] == str(report.pk)
    assert item["status"] == "open"
    assert "pris en charge" in item["status_notes"]
    assert "Équipe prévue mardi." in item["status_notes"]
    assert item["agency_responsible"] == "Service voirie"
    assert item["service_code"] == "eclairage"
    assert item["service_name"] == "Éclairage public"
    assert (item["lat"], item["long"]) == (45.05, 4.05)
    assert item["address"] == "3 rue Haute"
    assert item["service_notice"] == ""
    assert item["media_url"] == ""
    assert "expected_datetime" not in item
    # ISO 8601 with the offset.
    assert item["requested_datetime"][-6] in "+-"
    body = response.content.decode()
    assert "Zoé" not in body and reporter.user.email not in body
    root = xml(client.get(f"{API}requests.xml"))
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert request.findtext("service_request_id") == str(report.pk)
    assert request.findtext("status") == "open"
    assert "Zoé" not in ET.tostring(root, encoding="unicode")


def test_one_request_and_another_towns_id(client, reporter, category):
    report = make_report(reporter, category)
    data = client.get(f"{API}requests/{report.pk}.json").json()
    assert [r["service_request_id"] for r in data] == [str(report.pk)]
    root = xml(client.get(f"{API}requests/{report.pk}.xml"))
    assert root.findtext("request/service_request_id") == str(report.pk)
    other = make_town("Ailleurs", hostname="127.0.0.1")
    assert (
        client.get(f"{API}requests/{report.pk}.json", HTTP_HOST="127.0.0.1").status_code
        == 404
    )
    assert client.get(f"{API}requests/{report.pk}.json").status_code == 200
    root = xml(client.get(f"{API}requests/999999.xml"))
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert other.pk != report.town_id


def test_filters(client, reporter, category, bounded_town):
    other = make_report_category(bounded_town, "Voirie", service_code="voirie")
    first = make_report(reporter, category)
    second = make_report(reporter, other)
    old = make_report(reporter, category)
    Report.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=120)
    )
    staff = make_staff(bounded_town, Role.SERVICE)
    actions.check_change_state(staff, second, ReportState.RESOLVED, "Réparé.")

    def ids(**params):
        response = client.get(f"{API}requests.json", params)
        assert response.status_code == 200, response.content
        return {int(r["service_request_id"]) for r in response.json()}

    assert ids() == {first.pk, second.pk}
    assert ids(service_code="voirie") == {second.pk}
    other.active = False
    other.save()
    # A retired category's reports are still served, and found by its code.
    assert ids(service_code="voirie") == {second.pk}
    assert ids(service_code="voirie,eclairage") == {first.pk, second.pk}
    assert ids(status="open") == {first.pk}
    assert ids(status="closed") == {second.pk}
    assert ids(status="open,closed") == {first.pk, second.pk}
    # Ids override every other filter, the old report included.
    assert ids(service_request_id=f"{old.pk},{first.pk}", status="closed") == {
        old.pk,
        first.pk,
    }
    start = (timezone.now() - timedelta(days=130)).date().isoformat()
    assert ids(start_date=start) == {old.pk}
    end = (timezone.now() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(end_date=end) == {old.pk}


def jpeg() -> SimpleUploadedFile:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), "#3a7").save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), "image/jpeg")


def test_paging_and_query_count(client, reporter, category):
    reports = [make_report(reporter, category, photo=jpeg()) for _ in range(5)]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}requests.json", {"page_size": 2})
    # The site and its town, the page with its notes, the Site for the
    # photos' addresses once.
    assert len(queries) <= 4
    for item in response.json():
        assert item["media_url"].startswith("http")
        assert item["media_url"].endswith(".jpg")
    assert [r["service_request_id"] for r in response.json()] == [
        str(r.pk) for r in reports[::-1][:2]
    ]
    assert 'rel="next"' in response["Link"] and "page=2" in response["Link"]
    last = client.get(f"{API}requests.json", {"page_size": 2, "page": 3})
    assert [r["service_request_id"] for r in last.json()] == [str(reports[0].pk)]
    assert "Link" not in last


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "hier"},
        {"start_date": "2026-13-45T00:00:00Z"},
        {"start_date": "2026-03-01", "end_date": "2026-01-01"},
        {"start_date": "2025-01-01", "end_date": "2026-01-01"},
        {"status": "pending"},
        {"service_code": "inconnu"},
        {"service_request_id": "1,abc"},
        {"service_request_id": "99999999999999999999"},
        {"page": "0"},
        {"page_size": "5000"},
        {"page": "-1"},
    ],
)
def test_bad_queries_are_400_in_the_spec_format(client, category, params):
    response = client.get(f"{API}requests.json", params)
    assert response.status_code == 400
    (error,) = response.json()
    assert error["code"] == 400 and error["description"]


def test_unknown_format_and_method(client, category):
    response = client.get(f"{API}requests.csv")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404
    assert client.post(f"{API}services.json").status_code == 405
    assert client.get(f"{API}tokens/pas-un-jeton.json").status_code == 404


def test_post_files_a_report_shown_on_the_site(client, key, category, bounded_town):
    response = post(
        client,
        key,
        email="zoe@example.org",
        first_name="Zoé",
        last_name="Secret",
        phone="0600000000",
        device_id="abc",
        account_id="42",
        media_url="http://example.org/photo.jpg",
    )
    assert response.status_code == 200, response.content
    (answer,) = response.json()
    report = Report.objects.get(pk=int(answer["service_request_id"]))
    assert answer["token"] == str(report.token)
    assert report.source == ReportSource.OPEN311
    assert report.api_key.name == "Appli Ma Rue"
    assert report.author is None
    assert report.contact == {
        "email": "zoe@example.org",
        "first_name": "Zoé",
        "last_name": "Secret",
        "phone": "0600000000",
    }
    assert not report.photo
    page = client.get("/signalements/")
    assert "Le lampadaire du 3 rue Haute clignote." in page.content.decode()
    served = client.get(f"{API}requests/{report.pk}.json").content.decode()
    assert "Zoé" not in served and "zoe@example.org" not in served
    assert "0600000000" not in served
    tok = client.get(f"{API}tokens/{report.token}.json").json()
    assert tok == [{"service_request_id": str(report.pk), "token": str(report.token)}]
    root = xml(client.get(f"{API}tokens/{report.token}.xml"))
    assert root.findtext("request/service_request_id") == str(report.pk)


def test_post_xml_and_address_only(client, key, category):
    response = post(
        client, key, "xml", lat=None, long=None, address_string="Place de la Mairie"
    )
    assert response.status_code == 200
    root = xml(response)
    report = Report.objects.get(pk=int(root.findtext("request/service_request_id")))
    assert root.findtext("request/token") == str(report.token)
    assert report.address == "Place de la Mairie" and report.latitude is None


def test_post_refusals(client, key, category, bounded_town):
    other = make_town("Ailleurs", hostname="127.0.0.1")
    other_key = do_create_api_key(other, ApiKeyPurpose.OPEN311, "Autre")[1]
    sensor_key = do_create_api_key(bounded_town, ApiKeyPurpose.SENSORS, "Capteurs")[1]
    revoked_row, revoked = do_create_api_key(
        bounded_town, ApiKeyPurpose.OPEN311, "Vieille"
    )
    do_revoke_api_key(revoked_row)
    for bad in ("", "nimporte.quoi", other_key, sensor_key, revoked):
        response = post(client, bad)
        assert response.status_code == 403, bad
        assert response.json()[0]["code"] == 403
    outside = post(client, key, lat="48.85", long="2.35")
    assert outside.status_code == 400
    assert "en dehors de" in outside.json()[0]["description"]
    assert post(client, key, service_code="inconnu").status_code == 400
    assert post(client, key, service_code="").status_code == 400
    assert post(client, key, description="").status_code == 400
    assert post(client, key, lat="nan", long="4.05").status_code == 400
    assert post(client, key, lat="45.05", long=None).status_code == 400
    assert post(client, key, lat=None, long=None).status_code == 400
    long = post(client, key, description="x" * 3000)
    assert long.status_code == 400
    assert "3000 caractères" in long.json()[0]["description"]
    huge = post(client, key, description="x" * 100_000)
    assert huge.status_code == 413
    root = xml(post(client, "", "xml"))
    assert root.findtext("error/code") == "403"
    assert Report.objects.count() == 0


def test_post_needs_no_session_nor_csrf(key, category):
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True), key)
    assert response.status_code == 200


def test_rate_limit_per_key(client, key, category, settings):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "API_KEY_RATE": (2, 60)}
    assert post(client, key).status_code == 200
    assert post(client, key).status_code == 200
    response = post(client, key)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response.json()[0]["code"] == 429


@pytest.mark.parametrize(
    "path",
    [
        "requests.json?start_date=%00",
        "requests.json?service_code=a%00b",
        "requests.json?page_size=%EF%BC%91",
        "requests.xml?service_request_id=%C2%B2",
        "requests.json?end_date=9999-12-31T23:59:59Z",
        "requests.json?start_date=0001-01-01",
        "requests/0.json",
        "tokens/----.json",
        "services/%E2%80%A8.json",
    ],
)
def test_fuzzed_inputs_never_500(client, category, path):
    response = client.get(API + path)
    assert response.status_code in (200, 400, 404)


def test_special_values_in_every_parameter_never_500(client, key, category):
    from tests.fuzz.routes import SPECIAL_TEXT

    # A lone surrogate cannot be sent at all (the client refuses to encode it).
    for value in [v for v in SPECIAL_TEXT if v != "\ud800"]:
        for name in ("service_request_id", "service_code", "start_date", "status"):
            response = client.get(f"{API}requests.xml", {name: value})
            assert response.status_code in (200, 400), (name, value)
        for name in ("lat", "service_code", "api_key"):
            response = post(client, key, **{name: value})
            assert response.status_code in (200, 400, 403), (name, value)


def test_fuzzed_posts_never_500(client, key, category):
    for fields in (
        {"lat": "1e400", "long": "4"},
        {"description": "\x00\x01", "lat": "45.05"},
        {"address_string": "a" * 3000, "lat": None, "long": None},
        {"email": "x" * 5000},
        {"service_code": "\x00"},
    ):
        response = post(client, key, **fields)
        assert response.status_code in (200, 400), (fields, response.content)
    assert settings.SMARTCITIZEN["API_KEY_RATE"][0] > 5


@pytest.mark.django_db(transaction=True)
def test_a_real_georeport_client_over_http(live_server, key, category, reporter):
    """The `georeport` package from PyPI (dev extra) reads the live server in
    both its formats; it has no call to file a request, so a plain form POST
    does, as the spec writes it."""
    import georeport  # the dev extra: missing is a failure, never a skip
    import requests

    report = make_report(reporter, category, latitude=45.05, longitude=4.05)
    root = f"{live_server.url}{API}"
    posted = requests.post(
        f"{root}requests.json",
        data={
            "api_key": key,
            "service_code": "eclairage",
            "description": "Nid-de-poule devant l'école.",
            "address_string": "1 place de l'École",
            "email": "partenaire@example.org",
        },
        timeout=10,
    )
    assert posted.status_code == 200, posted.text
    new_id = posted.json()[0]["service_request_id"]
    for output_format in ("json", "xml"):
        client = georeport.GeoReport(root, output_format=output_format)
        services = client.get_service_list()
        # xmltodict gives a one-element list as the element itself.
        (service,) = services if isinstance(services, list) else [services]
        assert service["service_code"] == "eclairage"
        definition = client.get_service_definition("eclairage")
        assert definition["service_code"] == "eclairage"
        found = client.get_service_requests(service_code="eclairage", status="open")
        found = found if isinstance(found, list) else [found]
        assert {r["service_request_id"] for r in found} == {str(report.pk), new_id}
        one = client.get_service_request(new_id)
        assert one["description"] == "Nid-de-poule devant l'école."
        assert "partenaire@example.org" not in str(found)

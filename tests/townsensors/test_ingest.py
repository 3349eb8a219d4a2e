"""`POST /api/sensors/v1/readings`: the gateways' door, through HTTP."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.apikeys import do_create_api_key, do_revoke_api_key
from community.models import ApiKeyPurpose
from realtime.groups import sensors_stream
from realtime.models import Event
from scoring.models import TownSensorLatest, TownSensorReading
from tests.factories import make_town
from tests.townsensors.conftest import make_sensor
from townsensors.api import MAX_BODY_BYTES

pytestmark = pytest.mark.django_db
URL = "/api/sensors/v1/readings"


def post(client, key: str | None, body, **extra):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(URL, raw, content_type="application/json", **headers, **extra)


def at(minutes_ago: float = 0) -> str:
    return (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()


def test_the_url_is_named():
    assert reverse("townsensors:api-readings") == URL


def test_a_good_batch_is_stored_and_publishes_one_event(
    client, town, sensor, sensor_key
):
    other = make_sensor(town, "Parking gare", kind="parking", unit="places")
    body = [
        {"sensor": sensor.public_id, "observed_at": at(30), "value": 4.5},
        {"sensor": sensor.public_id, "observed_at": at(15), "value": 5},
        {"sensor": other.public_id, "observed_at": at(1), "value": 120},
    ]
    response = post(client, sensor_key, body)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["accepted"], answer["refused"]) == (3, 0)
    assert [item["status"] for item in answer["items"]] == ["accepted"] * 3
    assert TownSensorReading.objects.filter(town_id=town.pk).count() == 3
    latest = TownSensorLatest.objects.get(sensor_id=sensor.public_id)
    assert latest.value == 5.0
    # One event for the whole batch, the changed sensors as the map shows them.
    event = Event.objects.get(stream=sensors_stream(town.pk))
    assert event.event == "sensor.values"
    by_id = {row["id"]: row for row in event.data["sensors"]}
    assert set(by_id) == {sensor.pk, other.pk}
    assert by_id[sensor.pk]["value"] == 5.0
    assert by_id[other.pk]["silent"] is False
    assert by_id[other.pk]["url"] == f"/capteurs/{other.pk}/"
    # The same values again replace, nothing more is stored.
    assert post(client, sensor_key, body).status_code == 200
    assert TownSensorReading.objects.filter(town_id=town.pk).count() == 3


def test_a_single_object_is_one_reading(client, town, sensor, sensor_key):
    response = post(
        client,
        sensor_key,
        {"sensor": sensor.public_id, "observed_at": at(), "value": -3.2},
    )
    assert response.status_code == 200
    assert response.json()["accepted"] == 1
    assert TownSensorLatest.objects.get(sensor_id=sensor.public_id).value == -3.2


def test_bad_items_are_refused_with_reasons_and_good_ones_kept(
    client, town, sensor, sensor_key
):
    stopped = make_sensor(town, "Ancien", public_id="ancien", active=False)
    elsewhere = make_sensor(make_town("Ailleurs", "ailleurs.test"), "Autre")
    body = [
        {"sensor": sensor.public_id, "observed_at": at(), "value": 1},
        {"sensor": sensor.public_id, "observed_at": "2026-01-01T10:00:00", "value": 1},
        {"sensor": sensor.public_id, "observed_at": at(-60), "value": 1},
        {"sensor": sensor.public_id, "observed_at": at(), "value": "12"},
        {"sensor": stopped.public_id, "observed_at": at(), "value": 1},
        {"sensor": elsewhere.public_id, "observed_at": at(), "value": 1},
        {"sensor": "nope", "observed_at": at(), "value": 1, "extra": True},
        "not an object",
    ]
    response = post(client, sensor_key, body)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["accepted"], answer["refused"]) == (1, 7)
    errors = [item.get("errors", {}) for item in answer["items"]]
    assert "fuseau" in errors[1]["observed_at"]
    assert "futur" in errors[2]["observed_at"]
    assert "nombre" in errors[3]["value"]
    assert "service" in errors[4]["sensor"]
    # Another town's sensor reads as unknown: the key learns nothing of it.
    assert errors[5] == {"sensor": "Capteur inconnu de cette commune."}
    assert set(errors[6]) == {"item", "sensor"}
    assert errors[7] == {"item": "Un objet est attendu."}
    assert not TownSensorReading.objects.filter(sensor_id=elsewhere.public_id).exists()


def test_non_finite_numbers_are_refused(client, sensor, sensor_key):
    for raw in ("NaN", "Infinity", "-Infinity", "1e999"):
        item = {"sensor": sensor.public_id, "observed_at": at(), "value": 0}
        body = json.dumps(item).replace('"value": 0', f'"value": {raw}')
        response = post(client, sensor_key, body)
        assert response.status_code == 422, raw
        assert "value" in response.json()["items"][0]["errors"]
    assert not TownSensorReading.objects.exists()


def test_wrong_revoked_or_other_purpose_keys_are_refused(client, town, sensor):
    row, key = do_create_api_key(town, ApiKeyPurpose.SENSORS, "Passerelle")
    open311 = do_create_api_key(town, ApiKeyPurpose.OPEN311, "Partenaire")[1]
    good = {"sensor": sensor.public_id, "observed_at": at(), "value": 1}
    for bad in (None, "x", key + "x", open311, "a" * 500):
        response = post(client, bad, good)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        assert response["WWW-Authenticate"].startswith("Bearer")
    response = client.post(
        URL,
        json.dumps(good),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {key}",
    )
    assert response.status_code == 401
    do_revoke_api_key(row)
    assert post(client, key, good).status_code == 401
    assert not TownSensorReading.objects.exists()


def test_huge_bodies_and_batches_are_refused(client, sensor, sensor_key):
    item = {"sensor": sensor.public_id, "observed_at": at(), "value": 1}
    big = json.dumps([item] * (MAX_BODY_BYTES // 60))
    assert len(big) > MAX_BODY_BYTES
    response = post(client, sensor_key, big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    response = post(client, sensor_key, [item] * 1001)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_many_items"
    assert not TownSensorReading.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "{",
        "[]",
        "{}",
        "42",
        "null",
        '"text"',
        "[" * 5000 + "]" * 5000,
        b"\xff\xfe",
        '{"sensor": {"a": 1}, "observed_at": [], "value": {}}',
        '[{"sensor": "x\\u0000", "observed_at": "9999-99-99T99:99", "value": true}]',
        '{"sensor": "marche-temp", "observed_at": "0001-01-01T00:00:00+14:00",'
        ' "value": 1}',
        '{"sensor": "marche-temp", "observed_at": "2026-01-01T10:00:00+99:00",'
        ' "value": 1}',
        '{"sensor": "marche-temp", "observed_at": "' + "1" * 10000 + '", "value": 1}',
        '{"sensor": "marche-temp", "observed_at": "now", "value": ' + "9" * 400 + "}",
    ],
)
def test_no_broken_body_is_a_server_error(client, sensor, sensor_key, raw):
    response = post(client, sensor_key, raw)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/json"
    assert not TownSensorReading.objects.exists()


def test_only_post(client, sensor_key):
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {sensor_key}")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_each_key_is_rate_limited(client, town, sensor, sensor_key, settings):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "API_KEY_RATE": (2, 60)}
    good = {"sensor": sensor.public_id, "observed_at": at(), "value": 1}
    assert post(client, sensor_key, good).status_code == 200
    assert post(client, sensor_key, good).status_code == 200
    refused = post(client, sensor_key, good)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    # Another key of the town has its own count.
    other = do_create_api_key(town, ApiKeyPurpose.SENSORS, "Autre passerelle")[1]
    assert post(client, other, good).status_code == 200


def test_a_core_out_of_reach_answers_503_and_publishes_nothing(
    client, town, sensor, sensor_key, settings
):
    settings.SCORING_CORE_URL = "http://127.0.0.1:9/api/scoring/v1/"
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "SCORING_TIMEOUT": 0.2,
        "SCORING_RETRIES": 0,
    }
    good = {"sensor": sensor.public_id, "observed_at": at(), "value": 1}
    response = post(client, sensor_key, good)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert not Event.objects.filter(stream=sensors_stream(town.pk)).exists()


def test_text_postgresql_refuses_never_reaches_a_query(client, sensor, sensor_key):
    # NUL and lone surrogates: the site's bad-input check answers 400 first.
    for name in ("marche\x00temp", "\ud800"):
        body = {"sensor": name, "observed_at": at(), "value": 1}
        response = post(client, sensor_key, json.dumps(body))
        assert response.status_code == 400, name
        assert response.json()["error"]["code"]
    # Too long for the column: an unknown sensor like any other.
    body = {"sensor": "é" * 70, "observed_at": at(), "value": 1}
    response = post(client, sensor_key, body)
    assert response.status_code == 422
    assert response.json()["items"][0]["errors"] == {
        "sensor": "Capteur inconnu de cette commune."
    }
    assert not TownSensorReading.objects.exists()

"""The scoring core's town sensor calls: engine, HTTP API, and the client
embedded and over HTTP (against this site's API on a live server)."""

import json
from datetime import UTC, timedelta

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.utils import timezone

from scoring import client
from scoring.engine import contract
from scoring.engine.town_sensors import MAX_SENSOR_ITEMS, RAW_SERIES_MAX
from scoring.models import TownSensorLatest, TownSensorReading

from .conftest import TOKEN

API = "/api/scoring/v1"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
SPEC = django_settings.BASE_DIR / "docs" / "openapi" / "scoring-v1.yaml"


def reading(sensor: str = "s1", minutes_ago: float = 5, value=1.5, town: int = 7):
    when = timezone.now() - timedelta(minutes=minutes_ago)
    return {
        "town_id": town,
        "sensor_id": sensor,
        "observed_at": when.isoformat(),
        "value": value,
    }


@pytest.mark.django_db
class TestEngine:
    def test_one_or_many_values_replace_and_the_latest_never_goes_back(self):
        ten = {**reading(minutes_ago=10), "value": 1}
        first = contract.send_town_sensor_values(ten)
        assert first["stored"] == 1
        assert first["sensors"][0]["value"] == 1
        # The same instant again replaces; an older value keeps the latest.
        answer = contract.send_town_sensor_values(
            [
                {**ten, "value": 2},
                reading(minutes_ago=30, value=9),
                {**ten, "sensor_id": "s2", "value": 5},
                {**ten, "sensor_id": "s2", "value": 6},  # twice: the last wins
            ]
        )
        assert answer["stored"] == 3
        latest = {row["sensor_id"]: row["value"] for row in answer["sensors"]}
        assert latest == {"s1": 2, "s2": 6}
        assert TownSensorReading.objects.filter(sensor_id="s1").count() == 2
        assert TownSensorLatest.objects.get(sensor_id="s1").value == 2
        # Another town's sensor of the same id is another sensor.
        contract.send_town_sensor_values(reading(town=8, value=100))
        assert TownSensorLatest.objects.get(town_id=7, sensor_id="s1").value == 2

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({**reading(), "value": float("nan")}, "[0].value"),
            ({**reading(), "value": float("inf")}, "[0].value"),
            ({**reading(), "value": "1.5"}, "[0].value"),
            ({**reading(), "value": True}, "[0].value"),
            ({**reading(), "observed_at": "2026-01-01T10:00:00"}, "[0].observed_at"),
            # A day ahead: the parameters are made when the suite is collected,
            # maybe minutes before this test runs.
            (reading(minutes_ago=-60 * 24), "[0].observed_at"),
            (reading(minutes_ago=60 * 24 * 400), "[0].observed_at"),
            ({**reading(), "town_id": 0}, "[0].town_id"),
            ({**reading(), "town_id": 2**64}, "[0].town_id"),
            ({**reading(), "sensor_id": "a b"}, "[0].sensor_id"),
            ([reading(), "x"], "[1].item"),
        ],
    )
    def test_bad_items_refuse_the_whole_body(self, body, field):
        with pytest.raises(client.InvalidRequest) as refused:
            contract.send_town_sensor_values(body)
        assert refused.value.code == "invalid_body"
        assert field in refused.value.fields
        assert not TownSensorReading.objects.exists()

    def test_shapes_and_sizes(self):
        for body in (None, [], "x", 3):
            with pytest.raises(client.InvalidRequest) as refused:
                contract.send_town_sensor_values(body)
            assert refused.value.code == "invalid_body"
        with pytest.raises(client.InvalidRequest) as refused:
            contract.send_town_sensor_values([reading()] * (MAX_SENSOR_ITEMS + 1))
        assert refused.value.code == "too_many_items"

    def test_series_raw_when_few_hourly_means_when_many(self):
        now = timezone.now()
        few = [reading("few", minutes_ago=60 * h, value=h) for h in range(1, 10)]
        # Every 10 minutes for 2 days: more than RAW_SERIES_MAX values.
        many = [
            reading("many", minutes_ago=10 * n + 1, value=n % 6) for n in range(6 * 48)
        ]
        assert len(many) > RAW_SERIES_MAX
        contract.send_town_sensor_values(few)
        contract.send_town_sensor_values(many)
        contract.send_town_sensor_values(reading("old", minutes_ago=60 * 24 * 8))
        answer = contract.get_town_sensors(7)
        by_id = {row["sensor_id"]: row for row in answer["sensors"]}
        assert list(by_id) == ["few", "many", "old"]
        assert by_id["few"]["series"]["step"] == "raw"
        assert len(by_id["few"]["series"]["points"]) == 9
        assert by_id["many"]["series"]["step"] == "hour"
        hours = by_id["many"]["series"]["points"]
        assert 48 <= len(hours) <= 50
        full = hours[1:-1]
        assert all(point["value"] == 2.5 for point in full)  # mean of 0..5
        # Older than 7 days: its latest value, an empty series.
        assert by_id["old"]["series"] == {"step": "raw", "points": []}
        assert by_id["few"]["observed_at"].endswith("+00:00")
        since = timezone.datetime.fromisoformat(answer["since"])
        assert abs((now - timedelta(days=7) - since).total_seconds()) < 60
        one = contract.get_town_sensors(7, "few", "none")
        assert one["since"] is None
        assert one["sensors"] == [
            {k: v for k, v in by_id["few"].items() if k != "series"}
        ]
        assert contract.get_town_sensors(2**70)["sensors"] == []
        with pytest.raises(client.InvalidRequest):
            contract.get_town_sensors(7, "a b", "month")


@pytest.mark.django_db
class TestApi:
    def test_post_and_get_through_http(self, client, api_token):
        response = client.post(
            f"{API}/sensors/readings",
            json.dumps([reading(), reading("s2")]),
            content_type="application/json",
            **AUTH,
        )
        assert response.status_code == 201
        assert response.json()["stored"] == 2
        response = client.get(f"{API}/towns/7/sensors?series=none", **AUTH)
        assert response.status_code == 200
        assert [r["sensor_id"] for r in response.json()["sensors"]] == ["s1", "s2"]
        refused = client.post(
            f"{API}/sensors/readings",
            json.dumps({**reading(), "value": None}),
            content_type="application/json",
            **AUTH,
        )
        assert refused.status_code == 400
        assert refused.json()["error"]["fields"] == {
            "[0].value": "Un nombre fini est attendu."
        }
        assert client.get(f"{API}/towns/7/sensors").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_the_http_client_answers_what_the_engine_answers_and_the_spec_says(
    remote_core, live_server
):
    assert not client.is_embedded()
    now = timezone.now()
    stored = client.send_town_sensor_values(
        7,
        [
            {"sensor_id": "s1", "observed_at": now - timedelta(minutes=5), "value": 3},
            {"sensor_id": "s1", "observed_at": now - timedelta(minutes=1), "value": 4},
        ],
    )
    assert stored["stored"] == 2
    assert stored["sensors"][0]["value"] == 4
    answer = client.get_town_sensors(7, sensor_id="s1")
    engine = contract.get_town_sensors(7, "s1", "week")
    assert answer["sensors"] == engine["sensors"]
    assert len(answer["sensors"][0]["series"]["points"]) == 2
    with pytest.raises(client.InvalidRequest) as refused:
        client.send_town_sensor_values(
            7,
            [{"sensor_id": "s1", "observed_at": now.replace(tzinfo=None), "value": 1}],
        )
    assert "[0].observed_at" in refused.value.fields
    # The real answers match the documented schemas.
    schema = schemathesis.openapi.from_path(str(SPEC))
    ops = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        ops[f"{operation.method.upper()} {operation.path}"] = operation
    base_url = f"{live_server.url}{API}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    cases = [
        ops["POST /sensors/readings"].Case(
            body=[{**reading(), "observed_at": now.astimezone(UTC).isoformat()}]
        ),
        ops["GET /towns/{town_id}/sensors"].Case(path_parameters={"town_id": 7}),
        ops["GET /towns/{town_id}/sensors"].Case(
            path_parameters={"town_id": 7}, query={"series": "none"}
        ),
    ]
    statuses = [
        case.call_and_validate(base_url=base_url, headers=headers).status_code
        for case in cases
    ]
    assert statuses == [201, 200, 200]

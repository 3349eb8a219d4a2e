"""`POST households/{id}/readings`: the engine, the API and the HTTP client.

Daily values replace the same days, hourly electricity replaces the hours of
the local days it covers, the idempotency key answers the first result again,
and a bad body changes nothing.
"""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring import client
from scoring.actions import do_erase_household_scoring
from scoring.models import (
    HourlyReading,
    MetricBaseline,
    ReadingBatch,
    ReadingSource,
    SensorReading,
)

from .conftest import TOKEN

API = "/api/scoring/v1/"


def day(n: int) -> str:
    return (date(2026, 3, 27) + timedelta(days=n)).isoformat()


def daily(values: list[str], metric="electricity_kwh", first=0, estimated=False):
    return [
        {"date": day(first + n), "metric": metric, "value": v, "estimated": estimated}
        for n, v in enumerate(values)
    ]


def hours(start: datetime, count: int, value: str = "0.5") -> list[dict]:
    return [
        {"starts_at": (start + timedelta(hours=n)).isoformat(), "value": value}
        for n in range(count)
    ]


# 29 March 2026, the spring change in Paris: 23 local hours, from 23:00 UTC.
SPRING_DAY = datetime(2026, 3, 28, 23, tzinfo=UTC)


def send(household, key="f1", source="enedis_daily", **body):
    body.setdefault("daily", daily(["10.5", "11", "12.25"]))
    return client.send_readings(household, source=source, idempotency_key=key, **body)


def stored(household) -> dict:
    return {
        (r.metric, r.date.isoformat()): (str(r.value), r.estimated, r.source)
        for r in SensorReading.objects.filter(household=household)
    }


@pytest.mark.django_db
class TestEngine:
    def test_daily_values_are_stored_with_their_source_and_counted(self, household):
        answer = send(household)
        assert answer == {
            "household_id": household.public_id,
            "idempotency_key": "f1",
            "source": "enedis_daily",
            "days_created": 3,
            "days_replaced": 0,
            "days_unchanged": 0,
            "hours_stored": 0,
            "first_day": "2026-03-27",
            "last_day": "2026-03-29",
            "replayed": False,
        }
        assert stored(household)[("electricity_kwh", "2026-03-28")] == (
            "11.000",
            False,
            "enedis_daily",
        )
        baseline = MetricBaseline.objects.get(household=household)
        assert baseline.daily_mean == Decimal("11.25")

    def test_the_same_key_and_body_answers_the_first_result_once(self, household):
        first = send(household)
        again = send(household)
        assert again == {**first, "replayed": True}
        assert ReadingBatch.objects.filter(household=household).count() == 1
        assert SensorReading.objects.filter(household=household).count() == 3

    def test_the_same_key_with_another_body_is_a_conflict(self, household):
        send(household)
        with pytest.raises(client.Conflict) as refused:
            send(household, daily=daily(["99"]))
        assert refused.value.code == "idempotency_key_reused"
        assert stored(household)[("electricity_kwh", "2026-03-27")][0] == "10.500"

    def test_the_same_numbers_spelt_otherwise_are_the_same_body(self, household):
        send(household, daily=daily(["10.5", "11"]))
        again = send(household, daily=list(reversed(daily(["10.500", "11.0"]))))
        assert again["replayed"] is True

    def test_a_later_file_replaces_the_days_it_covers(self, household):
        send(household)
        answer = send(
            household,
            key="f2",
            daily=daily(["10.5"]) + daily(["13", "14"], first=1, estimated=True),
        )
        assert (
            answer["days_created"],
            answer["days_replaced"],
            answer["days_unchanged"],
        ) == (0, 2, 1)
        assert stored(household)[("electricity_kwh", "2026-03-28")] == (
            "13.000",
            True,
            "enedis_daily",
        )
        # Another source for the same value is a replacement too: it says
        # where the figure now comes from.
        again = send(household, key="f3", source="index", daily=daily(["10.5"]))
        assert again["days_replaced"] == 1
        # The first-weeks baseline follows the replaced values.
        baseline = MetricBaseline.objects.get(household=household)
        assert baseline.daily_mean == Decimal("12.5")

    def test_hourly_electricity_replaces_the_hours_of_the_local_days(self, household):
        answer = send(
            household,
            source="enedis_load_curve",
            daily=daily(["11.5"], first=2),
            hourly=hours(SPRING_DAY, 23),
        )
        assert answer["hours_stored"] == 23
        assert (answer["first_day"], answer["last_day"]) == ("2026-03-29",) * 2
        assert HourlyReading.objects.filter(household=household).count() == 23
        # The same local day again, with only its first 20 hours: the three
        # hours left from the first file go, the day after stays untouched.
        next_day = hours(SPRING_DAY + timedelta(hours=23), 24, "1")
        send(household, key="f2", source="enedis_load_curve", daily=[], hourly=next_day)
        send(
            household,
            key="f3",
            source="enedis_load_curve",
            daily=[],
            hourly=hours(SPRING_DAY, 20, "0.25"),
        )
        rows = HourlyReading.objects.filter(household=household)
        assert rows.count() == 44
        assert sum(r.value for r in rows) == Decimal("29")
        assert {r.source for r in rows} == {"enedis_load_curve"}

    def test_an_hour_counts_in_its_local_day(self, household):
        # 23:00 UTC on 28 March is midnight in Paris: 29 March.
        answer = send(household, daily=[], hourly=hours(SPRING_DAY, 1))
        assert answer["first_day"] == answer["last_day"] == "2026-03-29"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            (
                {"daily": [{"date": "2026-02-30", "metric": "gas_kwh", "value": "1"}]},
                "daily[0].date",
            ),
            (
                {"daily": [{"date": "2026-03-01", "metric": "fuel", "value": "1"}]},
                "daily[0].metric",
            ),
            (
                {"daily": [{"date": "2026-03-01", "metric": "gas_kwh", "value": "-1"}]},
                "daily[0].value",
            ),
            (
                {
                    "daily": [
                        {"date": "2026-03-01", "metric": "gas_kwh", "value": "1e3"}
                    ]
                },
                "daily[0].value",
            ),
            (
                {
                    "daily": [
                        {"date": "2026-03-01", "metric": "gas_kwh", "value": "200000"}
                    ]
                },
                "daily[0].value",
            ),
            (
                {
                    "daily": [
                        {
                            "date": "2026-03-01",
                            "metric": "gas_kwh",
                            "value": "1",
                            "estimated": "yes",
                        }
                    ]
                },
                "daily[0].estimated",
            ),
            ({"daily": daily(["1", "2"]) + daily(["3"])}, "daily[2].date"),
            (
                {"daily": [{"date": "2999-01-01", "metric": "gas_kwh", "value": "1"}]},
                "daily[0].date",
            ),
            ({"daily": "10"}, "daily"),
            ({"daily": [], "hourly": []}, "daily"),
            (
                {"hourly": [{"starts_at": "2026-03-01T10:30:00+00:00", "value": "1"}]},
                "hourly[0].starts_at",
            ),
            (
                {"hourly": [{"starts_at": "2026-03-01T10:00:00", "value": "1"}]},
                "hourly[0].starts_at",
            ),
            (
                {"hourly": hours(SPRING_DAY, 2) + hours(SPRING_DAY, 1)},
                "hourly[2].starts_at",
            ),
            (
                {
                    "hourly": [
                        {"starts_at": "2026-03-01T10:00:00+01:00", "value": "5000"}
                    ]
                },
                "hourly[0].value",
            ),
            ({"source": "linky"}, "source"),
            ({"household_id": "SOMEONEELSE"}, "household_id"),
            ({"idempotency_key": "clé avec espaces"}, "idempotency_key"),
        ],
    )
    def test_a_bad_body_is_refused_with_the_field_and_changes_nothing(
        self, household, change, field
    ):
        from scoring.engine import contract

        body = {
            "household_id": household.public_id,
            "source": "enedis_daily",
            "idempotency_key": "k",
            "daily": daily(["1"]),
            **change,
        }
        with pytest.raises(client.InvalidRequest) as refused:
            contract.send_readings(household.public_id, body)
        assert refused.value.code == "invalid_body"
        assert field in refused.value.fields
        assert not SensorReading.objects.exists()
        assert not HourlyReading.objects.exists()
        assert not ReadingBatch.objects.exists()

    def test_a_body_names_at_most_twenty_bad_items(self, household):
        with pytest.raises(client.InvalidRequest) as refused:
            send(household, daily=daily(["x"] * 50))
        assert len(refused.value.fields) == 20

    def test_a_household_that_left_gets_a_conflict(self, household):
        from community.models import HouseholdStatus

        household.status = HouseholdStatus.LEFT
        household.save(update_fields=["status"])
        with pytest.raises(client.Conflict) as refused:
            send(household)
        assert refused.value.code == "household_left"
        assert not SensorReading.objects.exists()

    def test_erasure_removes_hours_and_batches_too(self, household, make_household):
        other = make_household()
        for who in (household, other):
            send(who, source="enedis_load_curve", hourly=hours(SPRING_DAY, 3))
        do_erase_household_scoring(household)
        for model in (SensorReading, HourlyReading, ReadingBatch, MetricBaseline):
            assert not model.objects.filter(household=household).exists()
            assert model.objects.filter(household=other).exists()
        # Forgotten keys: the same file can be sent again from scratch.
        assert send(household)["days_created"] == 3


@pytest.mark.django_db
def test_the_api_answers_201_then_200_and_json_errors(client_api, household):
    body = {
        "household_id": household.public_id,
        "source": "gazpar",
        "idempotency_key": "g1",
        "daily": daily(["30.5"], metric="gas_kwh"),
    }
    path = f"{API}households/{household.public_id}/readings"
    created = client_api(path, body)
    assert created.status_code == 201
    assert created.json()["days_created"] == 1
    assert client_api(path, body).status_code == 200
    other = {**body, "daily": daily(["31"], metric="gas_kwh")}
    assert client_api(path, other).status_code == 409
    bad = client_api(path, "{not json")
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_json")
    unknown = client_api(
        f"{API}households/NOPE234567/readings", {**body, "household_id": "NOPE234567"}
    )
    assert unknown.status_code == 404
    assert client_api(path, body, token="wrong").status_code == 401
    assert SensorReading.objects.filter(household=household).count() == 1


@pytest.fixture
def client_api(client, api_token):
    def call(path, body, token=TOKEN):
        data = body if isinstance(body, str) else json.dumps(body)
        return client.post(
            path,
            data,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return call


@pytest.mark.django_db(transaction=True)
class TestOverHttp:
    def test_the_http_client_stores_and_replays_like_the_engine(
        self, remote_core, household
    ):
        assert not client.is_embedded()
        summary = client.get_sensor_summary(household, "month", date(2026, 3, 28))
        assert summary["metrics"]["electricity_kwh"]["total"] is None
        answer = send(
            household,
            source=ReadingSource.ENEDIS_LOAD_CURVE,
            hourly=hours(SPRING_DAY, 23),
        )
        assert (answer["days_created"], answer["hours_stored"]) == (3, 23)
        assert (
            send(
                household,
                source=ReadingSource.ENEDIS_LOAD_CURVE,
                hourly=hours(SPRING_DAY, 23),
            )["replayed"]
            is True
        )
        assert HourlyReading.objects.filter(household=household).count() == 23
        summary = client.get_sensor_summary(household, "week", date(2026, 3, 28))
        assert summary["metrics"]["electricity_kwh"]["total"] == 33.75

    def test_refusals_come_back_as_the_same_exceptions(self, remote_core, household):
        with pytest.raises(client.InvalidRequest) as bad:
            send(household, daily=daily(["-3"]))
        assert "daily[0].value" in bad.value.fields
        send(household)
        with pytest.raises(client.Conflict):
            send(household, daily=daily(["1"]))
        assert SensorReading.objects.filter(household=household).count() == 3

    def test_the_dashboard_summary_is_not_served_stale_after_a_send(
        self, remote_core, household
    ):
        today = timezone.localdate()
        client.get_sensor_summary(household, "week")  # cached, empty
        client.send_readings(
            household,
            source="enedis_daily",
            idempotency_key="today",
            daily=[{"date": today.isoformat(), "metric": "gas_kwh", "value": "7"}],
        )
        summary = client.get_sensor_summary(household, "week")
        assert summary["metrics"]["gas_kwh"]["total"] == 7.0

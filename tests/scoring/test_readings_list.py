"""`GET households/{id}/readings`: the engine, the API and the HTTP client.

Every daily value of the span (with `estimated` and `source`) ordered by date
then metric, the hourly electricity of the span's local days ordered by hour,
at most 366 days per call, JSON errors for bad dates, 404 for an unknown
household, and the same answer embedded and over HTTP.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache

from scoring import client, transport
from scoring.engine import contract
from scoring.models import ReadingSource

from .conftest import TOKEN, fast_smartcitizen

API = "/api/scoring/v1/"
# 29 March 2026, the spring change in Paris: 23 local hours, from 23:00 UTC.
SPRING_DAY = datetime(2026, 3, 28, 23, tzinfo=UTC)


def hours(start: datetime, count: int, value: str = "0.5") -> list[dict]:
    return [
        {"starts_at": (start + timedelta(hours=n)).isoformat(), "value": value}
        for n in range(count)
    ]


def fill(household) -> None:
    """Gas and water indexes spread over 3 days, an Enedis load curve of 2 days."""
    client.send_readings(
        household,
        source=ReadingSource.INDEX,
        idempotency_key="idx",
        daily=[
            {"date": f"2026-03-{d}", "metric": m, "value": v, "estimated": True}
            for d in ("27", "28", "29")
            for m, v in (("water_l", "120"), ("gas_kwh", "30.25"))
        ],
    )
    client.send_readings(
        household,
        source=ReadingSource.ENEDIS_LOAD_CURVE,
        idempotency_key="curve",
        daily=[
            {"date": "2026-03-28", "metric": "electricity_kwh", "value": "12"},
            {"date": "2026-03-29", "metric": "electricity_kwh", "value": "11.5"},
        ],
        # 28 March (24 hours from 23:00 UTC the day before) and 29 March (23).
        hourly=hours(SPRING_DAY - timedelta(hours=24), 24 + 23),
    )


def read(household, start="2026-03-01", end="2026-03-31") -> dict:
    return client.get_readings(
        household, start=date.fromisoformat(start), end=date.fromisoformat(end)
    )


@pytest.mark.django_db
class TestEngine:
    def test_every_day_and_hour_of_the_span_in_order(self, household):
        fill(household)
        answer = read(household)
        assert answer["household_id"] == household.public_id
        assert (answer["from"], answer["to"]) == ("2026-03-01", "2026-03-31")
        assert answer["first_day"] == "2026-03-27"
        assert [(d["date"], d["metric"]) for d in answer["daily"]] == [
            ("2026-03-27", "gas_kwh"),
            ("2026-03-27", "water_l"),
            ("2026-03-28", "electricity_kwh"),
            ("2026-03-28", "gas_kwh"),
            ("2026-03-28", "water_l"),
            ("2026-03-29", "electricity_kwh"),
            ("2026-03-29", "gas_kwh"),
            ("2026-03-29", "water_l"),
        ]
        assert answer["daily"][0] == {
            "date": "2026-03-27",
            "metric": "gas_kwh",
            "value": "30.250",
            "estimated": True,
            "source": "index",
        }
        assert answer["daily"][2] == {
            "date": "2026-03-28",
            "metric": "electricity_kwh",
            "value": "12.000",
            "estimated": False,
            "source": "enedis_load_curve",
        }
        assert len(answer["hourly"]) == 47
        assert answer["hourly"][0] == {
            "starts_at": "2026-03-27T23:00:00+00:00",
            "value": "0.5000",
            "source": "enedis_load_curve",
        }
        starts = [h["starts_at"] for h in answer["hourly"]]
        assert starts == sorted(starts)
        assert starts[-1] == "2026-03-29T21:00:00+00:00"

    def test_hours_belong_to_their_local_day(self, household):
        fill(household)
        # 28 March local starts at 23:00 UTC on the 27th: asked alone, the
        # 29th brings its 23 hours, and the 28th its 24 hours.
        assert len(read(household, "2026-03-29", "2026-03-29")["hourly"]) == 23
        only_28 = read(household, "2026-03-28", "2026-03-28")
        assert len(only_28["hourly"]) == 24
        assert only_28["hourly"][0]["starts_at"] == "2026-03-27T23:00:00+00:00"
        assert [d["date"] for d in only_28["daily"]] == ["2026-03-28"] * 3

    def test_a_span_without_readings_is_empty_and_still_names_the_first_day(
        self, household
    ):
        fill(household)
        answer = read(household, "2025-01-01", "2025-12-31")
        assert (answer["daily"], answer["hourly"]) == ([], [])
        assert answer["first_day"] == "2026-03-27"

    def test_a_household_without_readings_has_no_first_day(self, household):
        answer = read(household)
        assert answer == {
            "household_id": household.public_id,
            "from": "2026-03-01",
            "to": "2026-03-31",
            "first_day": None,
            "daily": [],
            "hourly": [],
        }

    def test_another_household_readings_are_not_listed(self, household, make_household):
        other = make_household()
        fill(other)
        assert read(household)["daily"] == []

    def test_366_days_are_served_and_367_refused(self, household):
        fill(household)
        answer = read(household, "2025-03-29", "2026-03-29")
        assert len(answer["daily"]) == 8
        with pytest.raises(client.InvalidRequest) as refused:
            read(household, "2025-03-28", "2026-03-29")
        assert refused.value.code == "invalid_query"
        assert set(refused.value.fields) == {"to"}

    @pytest.mark.parametrize(
        ("start", "end", "fields"),
        [
            ("2026-03-31", "2026-03-01", {"to"}),
            ("2026-02-30", "2026-03-01", {"from"}),
            ("01/03/2026", "2026-03-31", {"from"}),
            ("2026-03-01", "", {"to"}),
            (None, None, {"from", "to"}),
            ("2026-03-01T00:00:00", "2026-03-02", {"from"}),
        ],
    )
    def test_bad_dates_are_refused_with_the_field(self, household, start, end, fields):
        with pytest.raises(client.InvalidRequest) as refused:
            contract.get_readings(household.public_id, start, end)
        assert refused.value.code == "invalid_query"
        assert set(refused.value.fields) == fields

    def test_far_dates_are_an_empty_answer_not_an_error(self, household):
        fill(household)
        early = contract.get_readings(household.public_id, "0001-01-01", "0001-12-31")
        late = contract.get_readings(household.public_id, "9999-01-01", "9999-12-31")
        assert early["daily"] == late["daily"] == late["hourly"] == []

    def test_an_unknown_household_is_a_404(self, household):
        for public_id in ("NOPE234567", "../points", ""):
            with pytest.raises(client.NotFound) as missing:
                contract.get_readings(public_id, "2026-03-01", "2026-03-31")
            assert missing.value.code == "unknown_household"

    def test_a_year_costs_a_fixed_number_of_queries(
        self, household, django_assert_num_queries
    ):
        fill(household)
        # The household, the days, the hours and the two first days.
        with django_assert_num_queries(5):
            read(household, "2025-04-01", "2026-03-31")


@pytest.fixture
def get_api(client, api_token):
    def call(path, token=TOKEN, method="get", **params):
        return getattr(client, method)(
            path, params, HTTP_AUTHORIZATION=f"Bearer {token}"
        )

    return call


@pytest.mark.django_db
def test_the_api_answers_json_and_json_errors(get_api, household):
    fill(household)
    path = f"{API}households/{household.public_id}/readings"
    ok = get_api(path, **{"from": "2026-03-01", "to": "2026-03-31"})
    assert ok.status_code == 200
    assert ok.json() == read(household)
    assert "no-cache" in ok["Cache-Control"]

    too_long = get_api(path, **{"from": "2025-01-01", "to": "2026-03-31"})
    assert too_long.status_code == 400
    error = too_long.json()["error"]
    assert error["code"] == "invalid_query"
    assert set(error) == {"code", "message", "fields"}
    assert set(error["fields"]) == {"to"}

    bad = get_api(path, **{"from": "mars", "to": "2026-03-31"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_query")
    missing = get_api(path)
    assert set(missing.json()["error"]["fields"]) == {"from", "to"}

    unknown = get_api(
        f"{API}households/NOPE234567/readings",
        **{"from": "2026-03-01", "to": "2026-03-31"},
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_household"

    refused = get_api(path, token="wrong", **{"from": "2026-03-01", "to": "2026-03-31"})
    assert refused.status_code == 401
    put = get_api(path, method="put")
    assert put.status_code == 405
    assert put["Allow"] == "GET, POST"


@pytest.mark.django_db(transaction=True)
class TestOverHttp:
    def test_the_http_client_gets_what_the_engine_answers(self, remote_core, household):
        assert not client.is_embedded()
        fill(household)
        over_http = read(household)
        assert over_http == contract.get_readings(
            household.public_id, "2026-03-01", "2026-03-31"
        )
        assert len(over_http["daily"]) == 8
        assert len(over_http["hourly"]) == 47

    def test_refusals_come_back_as_the_same_exceptions(self, remote_core, household):
        with pytest.raises(client.InvalidRequest) as too_long:
            read(household, "2025-01-01", "2026-03-31")
        assert too_long.value.code == "invalid_query"
        assert set(too_long.value.fields) == {"to"}
        with pytest.raises(client.InvalidRequest):
            read(household, "2026-03-31", "2026-03-01")
        household.public_id = "NOPE234567"
        with pytest.raises(client.NotFound) as missing:
            read(household)
        assert missing.value.code == "unknown_household"

    def test_the_answer_is_not_cached(self, remote_core, household):
        fill(household)
        read(household)
        url = transport.url_for(
            f"households/{household.public_id}/readings",
            {"from": "2026-03-01", "to": "2026-03-31"},
        )
        assert cache.get(transport._cache_key(url)) is None
        client.send_readings(
            household,
            source=ReadingSource.ENEDIS_DAILY,
            idempotency_key="later",
            daily=[{"date": "2026-03-30", "metric": "electricity_kwh", "value": "9"}],
        )
        assert read(household)["daily"][-1]["date"] == "2026-03-30"

    def test_a_core_that_is_down_is_unavailable(self, household, settings):
        settings.SCORING_CORE_URL = "http://127.0.0.1:9/api/scoring/v1/"
        settings.SCORING_CORE_TOKEN = TOKEN
        settings.SMARTCITIZEN = fast_smartcitizen(SCORING_BREAKER_SECONDS=0)
        with pytest.raises(client.ScoringUnavailable):
            read(household)

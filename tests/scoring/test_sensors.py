"""Sensor summaries: periods, both baselines, change, euros, the 5-household rule."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from scoring import client
from scoring.actions import ReadingRow, do_import_readings
from scoring.engine.periods import period_containing

from .conftest import fast_smartcitizen

pytestmark = pytest.mark.django_db

TARIFFS = {
    "electricity_eur_per_kwh": 0.20,
    "gas_eur_per_kwh": 0.10,
    "water_eur_per_m3": 4.00,
}


@pytest.fixture(autouse=True)
def town_tariffs(settings) -> None:
    """The tariffs below, given to the towns the test makes (a town's tariffs are
    its own, from the deployment's values when it is created)."""
    settings.SMARTCITIZEN = fast_smartcitizen(TARIFFS=TARIFFS)


def readings(household, metric, start: date, values) -> None:
    do_import_readings(
        ReadingRow(household.pk, metric, start + timedelta(days=n), Decimal(str(v)))
        for n, v in enumerate(values)
    )


def test_periods_are_iso_weeks_calendar_months_and_years():
    week = period_containing("week", date(2026, 3, 12))  # a Thursday
    assert (week.start, week.end) == (date(2026, 3, 9), date(2026, 3, 15))
    assert week.previous_year().start == date(2025, 3, 10)  # a Monday too
    month = period_containing("month", date(2024, 2, 10))
    assert (month.start, month.end) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month.previous_year().end == date(2023, 2, 28)
    year = period_containing("year", date(2026, 7, 1))
    assert len(year.days) == 365
    assert year.previous_year().start == date(2025, 1, 1)


@override_settings(SMARTCITIZEN=fast_smartcitizen(TARIFFS=TARIFFS))
def test_baseline_is_the_same_period_of_the_previous_year(household):
    readings(household, "electricity_kwh", date(2025, 3, 1), [10] * 31)
    readings(household, "electricity_kwh", date(2026, 3, 1), [8] * 10)  # 10 days in
    summary = client.get_sensor_summary(household, "month", date(2026, 3, 15))
    assert (summary["start"], summary["end"]) == ("2026-03-01", "2026-03-31")
    electricity = summary["metrics"]["electricity_kwh"]
    assert electricity["unit"] == "kWh"
    assert electricity["total"] == 80.0
    assert electricity["days_with_data"] == 10
    # 10 kWh a day last March, scaled to the 10 days measured so far.
    assert electricity["baseline"] == 100.0
    assert electricity["baseline_source"] == "previous_year"
    assert electricity["change_pct"] == -20.0
    assert electricity["estimated_savings_eur"] == 4.0  # 20 kWh × 0.20 €
    assert len(electricity["daily"]) == 31
    assert electricity["daily"][0] == {
        "date": "2026-03-01",
        "value": 8.0,
        "estimated": False,
    }
    assert electricity["daily"][30]["value"] is None


@override_settings(SMARTCITIZEN=fast_smartcitizen(TARIFFS=TARIFFS))
def test_without_last_year_the_baseline_is_the_first_four_weeks(household):
    # 28 days at 300 L, then a day at 999 L that is outside the first 4 weeks.
    readings(household, "water_l", date(2026, 1, 5), [300] * 28 + [999])
    readings(household, "water_l", date(2026, 3, 2), [240] * 7)
    summary = client.get_sensor_summary(household, "week", date(2026, 3, 4))
    water = summary["metrics"]["water_l"]
    assert water["baseline_source"] == "first_weeks"
    assert water["baseline"] == 2100.0
    assert water["total"] == 1680.0
    assert water["change_pct"] == -20.0
    assert water["estimated_savings_eur"] == 1.68  # 420 L = 0.42 m³ × 4 €
    gas = summary["metrics"]["gas_kwh"]
    assert gas["total"] is None
    assert gas["baseline"] is None
    assert gas["change_pct"] is None
    assert gas["estimated_savings_eur"] is None


@override_settings(SMARTCITIZEN=fast_smartcitizen(TARIFFS=TARIFFS))
def test_consuming_more_gives_a_positive_change_and_negative_savings(household):
    readings(household, "gas_kwh", date(2025, 1, 1), [20] * 365)
    readings(household, "gas_kwh", date(2026, 1, 1), [25] * 31)
    gas = client.get_sensor_summary(household, "year", date(2026, 1, 20))["metrics"][
        "gas_kwh"
    ]
    assert gas["change_pct"] == 25.0
    assert gas["estimated_savings_eur"] == -15.5  # 155 kWh more × 0.10 €


def test_a_new_household_s_first_weeks_compare_with_themselves(household):
    readings(household, "electricity_kwh", date(2026, 3, 2), [5, 7])
    summary = client.get_sensor_summary(household, "week", date(2026, 3, 2))
    electricity = summary["metrics"]["electricity_kwh"]
    assert electricity["baseline"] == 12.0
    assert electricity["change_pct"] == 0.0


@override_settings(SMARTCITIZEN=fast_smartcitizen(TARIFFS=TARIFFS))
def test_a_neighbourhood_shows_nothing_under_five_households(
    make_household, neighbourhood
):
    households = [make_household() for _ in range(5)]
    for household in households[:4]:
        readings(household, "water_l", date(2025, 6, 1), [200] * 30)
        readings(household, "water_l", date(2026, 6, 1), [150] * 30)
    summary = client.get_neighbourhood_summary(neighbourhood, "month", date(2026, 6, 9))
    assert summary["min_households"] == 5
    assert summary["metrics"] == {
        "electricity_kwh": None,
        "gas_kwh": None,
        "water_l": None,
    }

    # The fifth household has readings this year but none last year.
    readings(households[4], "water_l", date(2026, 6, 1), [100] * 30)
    water = client.get_neighbourhood_summary(neighbourhood, "month", date(2026, 6, 9))[
        "metrics"
    ]["water_l"]
    assert water["households"] == 5
    assert water["total"] == 4200.0  # (4 × 4500 + 3000) / 5
    # Its first weeks are its only baseline, so all five have one.
    assert water["households_with_baseline"] == 5
    assert water["baseline"] == (4 * 6000 + 3000) / 5
    assert water["change_pct"] == round((21000 - 27000) / 27000 * 100, 1)
    assert water["daily"][0] == {"date": "2026-06-01", "value": 140.0}


def test_a_day_that_fewer_than_five_households_reported_is_null(
    make_household, neighbourhood
):
    households = [make_household() for _ in range(5)]
    for household in households:
        readings(household, "electricity_kwh", date(2026, 6, 1), [6])
    readings(households[0], "electricity_kwh", date(2026, 6, 2), [9])
    electricity = client.get_neighbourhood_summary(
        neighbourhood, "week", date(2026, 6, 3)
    )["metrics"]["electricity_kwh"]
    assert electricity["daily"][0] == {"date": "2026-06-01", "value": 6.0}
    assert electricity["daily"][1] == {"date": "2026-06-02", "value": None}


def test_only_the_neighbourhood_s_households_count(
    make_household, make_neighbourhood, neighbourhood
):
    elsewhere = make_neighbourhood()
    for _ in range(5):
        readings(make_household(elsewhere), "gas_kwh", date(2026, 6, 1), [30])
    for _ in range(4):
        readings(make_household(), "gas_kwh", date(2026, 6, 1), [10])
    mine = client.get_neighbourhood_summary(neighbourhood, "week", date(2026, 6, 1))
    theirs = client.get_neighbourhood_summary(elsewhere, "week", date(2026, 6, 1))
    assert mine["metrics"]["gas_kwh"] is None
    assert theirs["metrics"]["gas_kwh"]["total"] == 30.0


@pytest.mark.parametrize(
    ("period", "on", "field"),
    [("day", None, "period"), (None, None, "period"), ("week", "2026-13-01", "date")],
)
def test_bad_periods_are_refused(household, period, on, field):
    from scoring.engine import contract

    with pytest.raises(client.InvalidRequest) as refused:
        contract.get_sensors(household.public_id, period, on)
    assert refused.value.code == "invalid_query"
    assert field in refused.value.fields


@override_settings(SMARTCITIZEN=fast_smartcitizen(TARIFFS=TARIFFS))
def test_a_previous_year_with_too_few_days_is_not_the_baseline(household):
    # Last year: two winter weeks only; this year: the first weeks, then 60 days.
    readings(household, "gas_kwh", date(2025, 12, 18), [60] * 14)
    readings(household, "gas_kwh", date(2026, 1, 1), [50] * 28 + [20] * 60)
    gas = client.get_sensor_summary(household, "year", date(2026, 3, 29))
    gas = gas["metrics"]["gas_kwh"]
    assert gas["days_with_data"] == 88
    # 14 of last year's days against 88 measured now: the first weeks instead.
    assert gas["baseline_kind"] == "first_weeks"
    # The household's first 28 days of gas: 14 at 60 kWh, then 14 at 50.
    assert gas["baseline"] == 55.0 * 88
    # The same period of last year when it covers the days measured now.
    readings(household, "gas_kwh", date(2026, 12, 18), [40] * 14)
    december = client.get_sensor_summary(household, "month", date(2026, 12, 20))
    assert december["metrics"]["gas_kwh"]["baseline_kind"] == "previous_year"
    assert december["metrics"]["gas_kwh"]["baseline"] == 60.0 * 14

"""The household dashboard: points, sensors against the baseline, degraded core."""

import socket
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from challenges.charts import BOTTOM, TOP, bar_chart, weekly_means
from scoring.actions import ReadingRow, do_import_readings
from tests.challenges.conftest import log

pytestmark = pytest.mark.django_db

URL = "/foyer/tableau-de-bord/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def readings(household, days: int, value: str, start=None) -> None:
    start = start or timezone.localdate() - timedelta(days=days - 1)
    do_import_readings(
        ReadingRow(household.pk, "water_l", start + timedelta(days=i), Decimal(value))
        for i in range(days)
    )


def test_the_dashboard_shows_points_by_domain_and_recent_actions(
    client, participant, challenge, action_type
):
    log(participant, challenge, action_type)
    client.force_login(participant.user)
    answer = client.get(URL)
    body = answer.content.decode()
    assert answer.status_code == 200
    assert f"{action_type.points()} points à dépenser" in body
    assert "Points gagnés par domaine" in body
    assert action_type.label in body
    assert challenge.title in body


def test_sensor_figures_show_as_an_svg_chart_and_a_table(client, member):
    today = timezone.localdate()
    # Last year's same week: the baseline (previous_year) at 200 L a day.
    readings(member.household, 7, "200", start=today - timedelta(weeks=52, days=6))
    readings(member.household, 7, "150", start=today - timedelta(days=6))
    client.force_login(member.user)
    body = client.get(URL + "?periode=semaine").content.decode()
    assert '<svg class="chart" viewBox="0 0 360 240" width="100%" role="img"' in body
    assert "<rect x=" in body
    assert "stroke-dasharray" in body  # the baseline line
    assert "-25,0 %" in body or "-25.0 %" in body
    assert "Économies estimées" in body


def test_the_chart_puts_the_baseline_at_its_daily_mean():
    daily = [
        {"date": "2026-01-01", "value": 10.0},
        {"date": "2026-01-02", "value": None},
    ]
    chart = bar_chart(daily, unit="kWh", baseline_per_day=20.0)
    assert chart.baseline_per_day == 20.0
    assert chart.maximum == 20  # a round top tick
    assert chart.bars[0].height == pytest.approx((BOTTOM - TOP) / 2)
    assert len(chart.bars) == 1  # no bar for the day without a reading
    assert chart.baseline_y == TOP


def test_the_neighbourhood_mean_shows_only_from_five_households(client, town, member):
    from tests.factories import make_member

    neighbourhood = member.household.neighbourhood
    readings(member.household, 5, "100")
    client.force_login(member.user)
    assert "Moyenne par foyer du quartier" not in client.get(URL).content.decode()
    for _ in range(4):
        other = make_member(town, neighbourhood=neighbourhood)
        readings(other.household, 5, "100")
    assert "Moyenne par foyer du quartier" in client.get(URL).content.decode()


def test_a_closed_port_gives_donnees_indisponibles(client, member):
    client.force_login(member.user)
    url = f"http://127.0.0.1:{free_port()}/api/scoring/v1/"
    with override_settings(SCORING_CORE_URL=url, SCORING_CORE_TOKEN="t" * 32):
        answer = client.get(URL)
    assert answer.status_code == 200
    assert answer.content.decode().count("Données indisponibles") == 2


def test_the_dashboard_needs_a_household_member(client, town):
    assert client.get(URL).status_code == 302
    from community import roles
    from tests.factories import make_staff

    staff = make_staff(town, roles.MODERATOR)
    client.force_login(staff)
    assert client.get(URL).status_code == 404


def test_the_dashboard_runs_a_bounded_number_of_queries(
    client, participant, challenge, action_type, django_assert_max_num_queries
):
    client.force_login(participant.user)
    for _ in range(2):
        log(participant, challenge, action_type)
    readings(participant.household, 30, "120")
    with django_assert_max_num_queries(40) as few:
        client.get(URL + "?periode=annee")
    for _ in range(8):
        log(participant, challenge, action_type)
    readings(participant.household, 200, "110")
    with django_assert_max_num_queries(40) as many:
        client.get(URL + "?periode=annee")
    assert len(many) <= len(few)


def test_weeks_are_means_per_day_dated_their_first_day():
    daily = [
        {"date": "2026-11-01", "value": 7.0},  # a Sunday: ISO week 44
        {"date": "2026-11-02", "value": 2.0},  # Monday, week 45
        {"date": "2026-11-03", "value": None},
        {"date": "2026-11-04", "value": 4.0},
        {"date": "2026-11-09", "value": None},  # week 46: no reading
    ]
    assert weekly_means(daily) == [
        {"date": "2026-11-01", "value": 7.0},
        {"date": "2026-11-02", "value": 3.0},
        {"date": "2026-11-09", "value": None},
    ]


def test_the_year_is_drawn_and_listed_week_by_week(client, participant):
    readings(participant.household, 364, "100")
    client.force_login(participant.user)
    year = client.get(URL + "?periode=annee").content.decode()
    month = client.get(URL).content.decode()
    assert "semaine par semaine (moyenne par jour)" in year
    assert "moyenne par jour de chaque semaine" in year
    # The calendar year so far, by week: at most 53 bars and rows, not a
    # bar and a row per day with a reading (this year's days up to today).
    days = timezone.localdate().timetuple().tm_yday
    weeks = year.count("<rect x=")
    rows = year.count('<tr><th scope="row">semaine du')
    assert days // 7 <= weeks <= 53
    assert weeks <= rows <= 53
    assert "valeurs jour par jour" in month
    assert len(year) < 60_000


def test_the_dashboard_says_which_baseline_and_links_to_the_meters(client, member):
    from django.urls import reverse

    today = timezone.localdate()
    readings(member.household, 7, "200", start=today - timedelta(weeks=52, days=6))
    readings(member.household, 7, "150", start=today - timedelta(days=6))
    client.force_login(member.user)
    body = client.get(URL + "?periode=semaine").content.decode()
    # The week in progress: the same days of last year.
    assert "Comparé aux mêmes jours de l&#x27;an dernier." in body
    assert f'href="{reverse("meters:home")}"' in body
    assert "Mes compteurs" in body


def test_first_weeks_and_estimated_days_are_said_in_words(client, member):
    from scoring import client as scoring

    today = timezone.localdate()
    scoring.send_readings(
        member.household,
        source="index",
        idempotency_key="idx",
        daily=[
            {
                "date": (today - timedelta(days=n)).isoformat(),
                "metric": "gas_kwh",
                "value": "20",
                "estimated": True,
            }
            for n in range(3)
        ],
    )
    client.force_login(member.user)
    body = client.get(URL + "?periode=semaine").content.decode()
    assert "quatre premières semaines" in body
    # Today and the two days before: 1 to 3 of them in this calendar week
    # (a Monday has only today), said in the singular or the plural.
    in_week = min(3, today.weekday() + 1)
    said = "jours estimés" if in_week > 1 else "jour estimé"
    assert f"Dont {in_week} {said} à partir de vos index" in body
    assert "(estimé)" in body
    assert 'fill="url(#hatch-gas_kwh)"' in body  # a hatched bar
    assert "hachuré : estimé à partir de vos index" in body  # and its legend
    assert "20,0 (estimé)" in body  # the data table says it too


def test_the_yearly_projection_is_honest_about_partial_data(client, member):
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    # Same days last year at 200 L, this year at 150 L: 50 L a day saved.
    days = min((today - start).days + 1, 20)
    last_year = start.replace(year=start.year - 1)
    readings(member.household, days, "200", start=last_year)
    readings(member.household, days, "150", start=start)
    client.force_login(member.user)
    body = client.get(URL).content.decode()
    # 0.05 m³ × 4.34 € a day × 365 ≈ 79 €.
    assert "environ 79 € d'économies sur un an" in body
    assert "objectif du programme de 200 €" in body
    assert f"Estimation sur {days} jours de données seulement." in body
    assert "Tarifs utilisés :" in body
    assert "4,34 €/m³" in body


def test_gas_after_degree_days_is_said_in_one_line(client, member):
    from scoring.actions import do_import_degree_days

    today = timezone.localdate()
    start = today - timedelta(days=6)
    before = start - timedelta(weeks=52)
    for first, value in ((before, "50"), (start, "40")):
        do_import_readings(
            ReadingRow(
                member.household.pk,
                "gas_kwh",
                first + timedelta(days=n),
                Decimal(value),
            )
            for n in range(7)
        )
    town = member.household.neighbourhood.town
    do_import_degree_days(
        town,
        {before + timedelta(days=n): Decimal(10) for n in range(7)}
        | {start + timedelta(days=n): Decimal(12) for n in range(7)},
    )
    client.force_login(member.user)
    body = client.get(URL + "?periode=semaine").content.decode()
    assert "Comparé après correction climatique" in body


def test_a_rise_is_projected_as_euros_spent_not_negative_savings(client, member):
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    days = min((today - start).days + 1, 10)
    readings(member.household, days, "100", start=start.replace(year=start.year - 1))
    readings(member.household, days, "150", start=start)
    client.force_login(member.user)
    body = client.get(URL).content.decode()
    assert "environ 79 € de dépenses en plus sur un an" in body
    assert "-79" not in body


def test_gas_against_the_first_weeks_is_left_out_of_the_projection(client, member):
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    days = min((today - start).days + 1, 20)
    # Gas only, no reading last year and no degree days: its baseline is the
    # household's first weeks, another season than the rest of the year.
    do_import_readings(
        ReadingRow(member.household.pk, "gas_kwh", start + timedelta(days=n), v)
        for n, v in enumerate([Decimal(60)] * 10 + [Decimal(20)] * (days - 10))
    )
    client.force_login(member.user)
    body = client.get(URL + "?periode=annee").content.decode()
    assert "Le gaz n'est pas compté" in body
    assert "d'économies sur un an" not in body
    # With water compared to the same days of last year, water alone counts.
    readings(member.household, days, "200", start=start.replace(year=start.year - 1))
    readings(member.household, days, "150", start=start)
    body = client.get(URL + "?periode=annee").content.decode()
    assert "environ 79 € d'économies sur un an" in body
    assert "Le gaz n'est pas compté" in body

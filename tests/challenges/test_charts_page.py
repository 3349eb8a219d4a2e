"""The dashboard's charts through the real page: axes, today, table, words.

The month in progress is tested on a fixed day, 6 December 2025, by making
that day « today » for the request (django.utils.timezone.localdate, which the
dashboard and the embedded core both ask).
"""

import re
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from challenges.dashboard import dashboard_for
from challenges.periods import period_label
from scoring import client as scoring
from scoring.actions import ReadingRow, do_import_readings

pytestmark = pytest.mark.django_db

URL = "/foyer/tableau-de-bord/"
SIXTH = date(2025, 12, 6)


def water(household, start: date, values: list[str]) -> None:
    do_import_readings(
        ReadingRow(household.pk, "water_l", start + timedelta(days=n), Decimal(v))
        for n, v in enumerate(values)
    )


def svg_of(body: str, code: str = "water_l") -> str:
    found = re.search(
        rf'<figure class="dashboard-chart" id="chart-{code}">.*?</svg>', body, re.S
    )
    assert found, "no chart for " + code
    return found.group(0)


def table_of(body: str, code: str = "water_l") -> str:
    figure = body.index(f'id="chart-{code}"')
    start = body.index('<details class="chart-data">', figure)
    return body[start : body.index("</details>", start)]


@pytest.fixture
def this_month(member):
    """This month's days up to today at 100 + n L, last year's at 200 L."""
    today = timezone.localdate()
    first = today.replace(day=1)
    water(member.household, first, [str(100 + n) for n in range(today.day)])
    water(member.household, first.replace(year=first.year - 1), ["200"] * 28)
    return today


def test_the_chart_has_axes_with_the_unit_dates_in_words_and_today(
    client, member, this_month
):
    client.force_login(member.user)
    body = client.get(URL).content.decode()
    svg = svg_of(body)
    assert 'viewBox="0 0 360 240" width="100%"' in svg
    assert "L par jour" in svg  # the y axis' unit
    assert "aujourd'hui" in svg  # the today line's label
    assert 'stroke-dasharray="6 4"' in svg  # the baseline, dashed
    with translation.override("fr"):
        first_label = dateformat.format(this_month.replace(day=1), "j N")
    assert f">{first_label}</text>" in svg  # « 1 déc. »
    assert not re.search(r"\d{4}-\d{2}-\d{2}", body)  # no ISO date anywhere
    # Round ticks: the top one is a multiple of 50 above the tallest day.
    ticks = [int(t) for t in re.findall(r'class="chart-tick"[^>]*>(\d+)<', svg)]
    assert ticks[0] == 0 and ticks[-1] >= 100 + this_month.day - 1
    assert all(t % 50 == 0 for t in ticks)
    # The legend says what the lines are.
    assert "pointillés : votre référence" in body
    assert "les jours à venir restent vides" in body


def test_the_table_gives_the_same_figures_as_the_bars(client, member, this_month):
    client.force_login(member.user)
    body = client.get(URL).content.decode()
    bars = svg_of(body).count("<rect x=")
    table = table_of(body)
    assert "Voir les données" in table
    assert "<caption>" in table and '<th scope="col">' in table
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td>', table)
    assert len(rows) == bars == this_month.day  # no row for a day to come
    assert rows[0][0] == "1er " + dateformat.format(this_month, "F")
    assert [value for _, value in rows] == [
        f"{100 + n},0" for n in range(this_month.day)
    ]


def test_the_period_is_in_words_in_french_and_english(client, member, this_month):
    client.force_login(member.user)
    start = this_month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    french = client.get(URL).content.decode()
    with translation.override("fr"):
        assert period_label(start, end)[1:] in french  # « écembre 2025 », capitalised
    assert "Du " not in french
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    english = client.get(URL).content.decode()
    with translation.override("en"):
        month_words = dateformat.format(start, "F Y")
    assert month_words in english  # "December 2026"
    assert f">{dateformat.format(start, 'j')} {start:%b}" in english.replace(".", "")


def test_the_month_on_the_6th_counts_6_days_against_the_same_days(client, member):
    household = member.household
    # Last December: 100 L a day on the 1st to 6th, then 300 L (the holidays).
    water(household, date(2024, 12, 1), ["100"] * 6 + ["300"] * 25)
    water(household, date(2025, 12, 1), ["90"] * 6)
    summary = scoring.get_sensor_summary(household, "month", SIXTH)["metrics"]
    figures = summary["water_l"]
    assert figures["days_with_data"] == 6
    assert figures["last_day"] == "2025-12-06"
    # The same 6 days of last year (600 L), not 6 × last December's mean.
    assert figures["baseline"] == 600.0
    assert figures["change_pct"] == -10.0

    # The same through the dashboard's reads, given the day.
    context = dashboard_for(household, "mois", today=SIXTH)
    assert context["period_info"]["elapsed"] == 6
    assert context["period_info"]["days"] == 31
    (row,) = context["metrics"]
    assert (row["days_with_data"], row["baseline_per_day"]) == (6, 100.0)
    assert len(row["values"]) == 6  # the table stops at today
    assert len(row["chart"].bars) == 6

    client.force_login(member.user)
    with mock.patch("django.utils.timezone.localdate", return_value=SIXTH):
        body = client.get(URL).content.decode()
    assert "Décembre 2025" in body
    assert "en cours : 6 jours sur 31, du 1er au 6 décembre 2025." in body
    assert "Comparé aux mêmes jours de l&#x27;an dernier." in body
    assert "Total sur 6 jours relevés" in body
    assert "540,0 L" in body and "600,0 L" in body and "-10,0 %" in body
    svg = svg_of(body)
    assert svg.count("<rect x=") == 6
    assert "aujourd'hui" in svg
    # The axis still spans the month: its last label is the 29th.
    assert ">29 déc.</text>" in svg

"""The dashboard's charts on a phone (375×667): axe clean, no wider than the
screen, the data table behind « Voir les données » — also without JavaScript."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from community.models import HouseholdStatus
from scoring.actions import ReadingRow, do_import_readings
from tests.browser.conftest import PHONE
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, make_household, make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "lucie@example.org"


@pytest.fixture
def resident(live_town, live_neighbourhood):
    household = make_household(live_neighbourhood, status=HouseholdStatus.ACTIVE)
    today = timezone.localdate()
    first = today.replace(day=1)
    rows = []
    for metric, value in (("electricity_kwh", "9.5"), ("water_l", "140")):
        for year_back in (0, 1):
            start = first.replace(year=first.year - year_back)
            days = today.day if year_back == 0 else 28
            rows += [
                ReadingRow(
                    household.pk, metric, start + timedelta(days=n), Decimal(value)
                )
                for n in range(days)
            ]
    do_import_readings(rows)
    return make_member(live_town, household=household, email=EMAIL)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_dashboard_charts_fit_a_phone_and_pass_axe(
    new_context, asgi_server, resident, javascript
):
    page = new_context(**PHONE, java_script_enabled=javascript).new_page()
    login(page, asgi_server, EMAIL, PASSWORD)
    page.goto("/foyer/tableau-de-bord/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tableau de bord de mon foyer"
    )
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(2)
    viewport = page.viewport_size["width"]
    for index in range(2):
        box = charts.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport
        # Not a thumbnail: most of the phone's width, and tall enough to read.
        assert box["width"] >= 0.8 * viewport and box["height"] >= 200
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport
    expect(
        page.get_by_role("img", name="Électricité (kWh) : consommation par jour")
    ).to_be_visible()
    expect(page.locator("svg.chart").first).to_contain_text("aujourd'hui")
    expect(page.locator("svg.chart").first).to_contain_text("kWh par jour")
    assert_accessible(page)

    # The figures are one click away, in a real table with its caption.
    page.locator("details.chart-data summary").first.click()
    table = page.locator("details.chart-data table").first
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_contain_text("valeurs jour par jour")
    expect(table.locator("tbody tr")).to_have_count(timezone.localdate().day)
    assert_accessible(page)

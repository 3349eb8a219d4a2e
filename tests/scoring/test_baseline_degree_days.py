"""Issue 13 in the summaries: which baseline, estimated days, degree days."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from community import roles
from scoring import client
from scoring.actions import ReadingRow, do_import_degree_days, do_import_readings
from scoring.models import DegreeDay
from tests.factories import make_staff

from .conftest import fast_smartcitizen

pytestmark = pytest.mark.django_db
TARIFFS = {
    "electricity_eur_per_kwh": 0.20,
    "gas_eur_per_kwh": 0.10,
    "water_eur_per_m3": 4.00,
}


def readings(household, metric, start: date, values) -> None:
    do_import_readings(
        ReadingRow(household.pk, metric, start + timedelta(days=n), Decimal(str(v)))
        for n, v in enumerate(values)
    )


def dju(town, start: date, values) -> None:
    do_import_degree_days(
        town,
        {start + timedelta(days=n): Decimal(str(v)) for n, v in enumerate(values)},
    )


def summary(household, metric, on: date, period="month") -> dict:
    return client.get_sensor_summary(household, period, on)["metrics"][metric]


class TestBaselineKind:
    def test_the_answer_names_the_baseline_it_used(self, household):
        readings(household, "water_l", date(2025, 3, 1), [100] * 5)
        readings(household, "water_l", date(2026, 3, 1), [90] * 5)
        readings(household, "gas_kwh", date(2026, 2, 20), [30] * 14)
        assert summary(household, "water_l", date(2026, 3, 3))["baseline_kind"] == (
            "previous_year"
        )
        gas = summary(household, "gas_kwh", date(2026, 3, 3))
        assert gas["baseline_kind"] == gas["baseline_source"] == "first_weeks"
        assert (
            summary(household, "electricity_kwh", date(2026, 3, 3))["baseline_kind"]
            is None
        )

    def test_estimated_days_are_counted_and_marked(self, household):
        client.send_readings(
            household,
            source="index",
            idempotency_key="i1",
            daily=[
                {
                    "date": f"2026-03-0{n}",
                    "metric": "water_l",
                    "value": "120",
                    "estimated": n > 2,
                }
                for n in range(1, 6)
            ],
        )
        water = summary(household, "water_l", date(2026, 3, 3))
        assert water["estimated_days"] == 3
        assert [d["estimated"] for d in water["daily"][:6]] == [
            False,
            False,
            True,
            True,
            True,
            False,
        ]


@pytest.fixture(autouse=False)
def tariffs(settings):
    settings.SMARTCITIZEN = fast_smartcitizen(TARIFFS=TARIFFS)


@pytest.mark.usefixtures("tariffs")
class TestDegreeDays:
    def setup_readings(self, household):
        # January 2025: 50 kWh a day at 10 DJU; January 2026, colder (15 DJU):
        # 40 kWh a day over the first 10 days.
        readings(household, "gas_kwh", date(2025, 1, 1), [50] * 31)
        readings(household, "gas_kwh", date(2026, 1, 1), [40] * 10)
        readings(household, "electricity_kwh", date(2025, 1, 1), [10] * 31)
        readings(household, "electricity_kwh", date(2026, 1, 1), [8] * 10)

    def test_gas_is_compared_after_the_degree_day_correction(self, household, town):
        self.setup_readings(household)
        dju(town, date(2025, 1, 1), [10] * 31)
        dju(town, date(2026, 1, 1), ["15.0"] * 10)
        gas = summary(household, "gas_kwh", date(2026, 1, 5))
        assert gas["total"] == 400.0  # what was measured stays
        assert gas["degree_days"] == {
            "period_mean_dju": 15.0,
            "baseline_mean_dju": 10.0,
            "heating_share": 0.8,
            # 400 × (0.2 + 0.8 × 10 / 15)
            "corrected_total": 293.333,
        }
        assert gas["change_pct"] == -41.3
        assert gas["estimated_savings_eur"] == 20.67
        # Electricity: the project does not know who heats with it.
        electricity = summary(household, "electricity_kwh", date(2026, 1, 5))
        assert electricity["degree_days"] is None
        assert electricity["change_pct"] == -20.0

    def test_no_correction_without_a_series_covering_both_periods(
        self, household, town
    ):
        self.setup_readings(household)
        dju(town, date(2025, 1, 1), [10] * 31)
        dju(town, date(2026, 1, 1), [15] * 9)  # 10 January is missing
        gas = summary(household, "gas_kwh", date(2026, 1, 5))
        assert gas["degree_days"] is None
        assert gas["change_pct"] == -20.0

    def test_no_correction_outside_the_heating_season(self, household, town):
        readings(household, "gas_kwh", date(2025, 7, 1), [10] * 31)
        readings(household, "gas_kwh", date(2026, 7, 1), [9] * 31)
        dju(town, date(2025, 7, 1), [0.5] * 31)
        dju(town, date(2026, 7, 1), [0] * 31)
        gas = summary(household, "gas_kwh", date(2026, 7, 5))
        assert gas["degree_days"] is None
        assert gas["change_pct"] == -10.0

    def test_another_towns_series_does_not_count(self, household):
        from community.models import TownPage

        from .conftest import root_page

        self.setup_readings(household)
        other = root_page().add_child(instance=TownPage(title="Autre", slug="autre"))
        dju(other, date(2025, 1, 1), [10] * 31)
        dju(other, date(2026, 1, 1), [15] * 10)
        assert summary(household, "gas_kwh", date(2026, 1, 5))["degree_days"] is None


def write(tmp_path, text: str, encoding="utf-8"):
    path = tmp_path / "dju.csv"
    path.write_bytes(text.encode(encoding))
    return path


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_degree_days", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class TestImportCommand:
    def test_a_french_file_is_stored_by_slug_or_id(self, tmp_path, town):
        path = write(tmp_path, "Date;DJU\r\n2026-01-01;12,5\r\n02/01/2026;13\r\n\r\n")
        out, err = run("--town", town.slug, str(path))
        assert "2 jours du 2026-01-01 au 2026-01-02 : 2 nouveaux" in out
        assert err == ""
        assert DegreeDay.objects.get(town=town, date=date(2026, 1, 1)).value == (
            Decimal("12.50")
        )
        path = write(tmp_path, "2026-01-01;12,5\n2026-01-02;14,25\n")
        out, _err = run("--town", str(town.pk), str(path))
        assert "0 nouveaux, 1 modifiés, 1 inchangés" in out
        assert DegreeDay.objects.filter(town=town).count() == 2

    def test_bad_lines_are_reported_and_nothing_is_stored(self, tmp_path, town):
        path = write(
            tmp_path,
            "date;DJU\n2026-01-01;12,5\n2026-13-01;3\n2026-01-03;beaucoup\n"
            "2026-01-01;4\n2026-01-05\n",
        )
        with pytest.raises(CommandError, match="4 ligne"):
            run("--town", town.slug, str(path))
        err = StringIO()
        with pytest.raises(CommandError):
            call_command(
                "import_degree_days", "--town", town.slug, str(path), stderr=err
            )
        text = err.getvalue()
        assert "ligne 3 : date invalide « 2026-13-01 »" in text
        assert "ligne 4 : DJU invalide « beaucoup »" in text
        assert "ligne 5 : jour en double (déjà ligne 2)" in text
        assert "ligne 6 : deux colonnes attendues" in text
        assert not DegreeDay.objects.exists()

    def test_an_unknown_town_or_file_is_a_clear_error(self, tmp_path, town):
        with pytest.raises(CommandError, match="Commune inconnue"):
            run("--town", "nulle-part", str(write(tmp_path, "2026-01-01;1\n")))
        with pytest.raises(CommandError, match="Lecture impossible"):
            run("--town", town.slug, str(tmp_path / "absent.csv"))
        with pytest.raises(CommandError, match="1 ligne"):
            run("--town", town.slug, str(write(tmp_path, "")))


class TestAdmin:
    def test_moderators_read_the_series_residents_do_not(self, client, town):
        dju(town, date(2026, 1, 1), ["7.4"])
        moderator = make_staff(town, roles.MODERATOR)
        client.force_login(moderator)
        listing = client.get("/admin/snippets/scoring/degreeday/")
        assert listing.status_code == 200
        assert "7,40" in listing.content.decode() or "7.40" in listing.content.decode()
        # Read only: no add form for moderators.
        assert client.get("/admin/snippets/scoring/degreeday/add/").status_code in (
            302,
            403,
        )
        resident = make_staff(town, roles.RESIDENT)
        client.force_login(resident)
        assert client.get("/admin/snippets/scoring/degreeday/").status_code == 302


class TestAdminImport:
    URL = "/admin/dju/importer/"

    def upload(self, client, town, text: str):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(
            self.URL,
            {
                "town": town.pk,
                "file": SimpleUploadedFile("dju.csv", text.encode(), "text/csv"),
            },
        )

    def test_a_superuser_loads_a_file_and_a_bad_one_stores_nothing(self, client, town):
        from django.contrib.auth.models import User

        admin = User.objects.create_superuser("dju@example.org", password="x-1234")
        client.force_login(admin)
        assert client.get(self.URL).status_code == 200
        bad = self.upload(client, town, "date;DJU\n2026-01-01;8,5\n2026-01-02;-3\n")
        assert bad.status_code == 200
        assert "ligne 3 : DJU invalide" in bad.content.decode()
        assert not DegreeDay.objects.exists()
        good = self.upload(client, town, "date;DJU\n2026-01-01;8,5\n2026-01-02;9\n")
        assert good.status_code == 302
        assert DegreeDay.objects.filter(town=town).count() == 2
        page = client.get(self.URL).content.decode()
        assert "2 jours importés (2 nouveaux" in page

    def test_moderators_read_but_do_not_import(self, client, town):
        client.force_login(make_staff(town, roles.MODERATOR))
        # Wagtail answers a refusal in its admin by a redirect to the dashboard.
        for response in (
            client.get(self.URL),
            self.upload(client, town, "2026-01-01;8\n"),
        ):
            assert (response.status_code, response["Location"]) == (302, "/admin/")
        assert not DegreeDay.objects.exists()

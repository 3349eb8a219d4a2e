"""`manage.py import_readings FILE.csv`: good files, bad rows, re-imports."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from scoring.models import MetricBaseline, ReadingBatch, SensorReading

from .conftest import fast_smartcitizen
from .test_client_degraded import free_port

pytestmark = pytest.mark.django_db


def write(tmp_path, text: str, name: str = "releves.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_readings", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def good_file(tmp_path, household, other):
    return write(
        tmp_path,
        "household_id,date,metric,value\n"
        f"{household.public_id},2026-01-05,electricity_kwh,7.5\n"
        f"{household.public_id},2026-01-06,electricity_kwh,8.5\n"
        f"{household.public_id},2026-01-05,water_l,310\n"
        f'{other.public_id},2026-01-05,gas_kwh,"21,25"\n'
        "\n",
    )


def test_a_good_file_is_imported_with_its_baselines(tmp_path, make_household):
    household, other = make_household(), make_household()
    out, err = run(good_file(tmp_path, household, other))
    assert "4 relevés lus : 4 nouveaux, 0 modifiés, 0 inchangés" in out
    assert err == ""
    assert SensorReading.objects.filter(household=household).count() == 3
    assert SensorReading.objects.get(household=other).value == Decimal("21.25")
    baseline = MetricBaseline.objects.get(household=household, metric="electricity_kwh")
    assert baseline.first_date == date(2026, 1, 5)
    assert baseline.days == 2
    assert baseline.daily_mean == Decimal("8")


def test_a_re_import_changes_nothing(tmp_path, make_household):
    household, other = make_household(), make_household()
    path = good_file(tmp_path, household, other)
    run(path)
    before = list(
        SensorReading.objects.order_by("pk").values("pk", "value", "imported_at")
    )
    out, _err = run(path)
    assert "4 relevés lus : 0 nouveaux, 0 modifiés, 4 inchangés" in out
    assert (
        list(SensorReading.objects.order_by("pk").values("pk", "value", "imported_at"))
        == before
    )


def test_a_corrected_file_replaces_values_and_refreshes_the_baseline(
    tmp_path, household
):
    header = "household_id,date,metric,value,unit\n"
    run(write(tmp_path, header + f"{household.public_id},2026-01-05,gas_kwh,10,kWh\n"))
    out, _err = run(
        write(
            tmp_path,
            header
            + f"{household.public_id},2026-01-05,gas_kwh,12,kWh\n"
            + f"{household.public_id},2026-01-06,gas_kwh,14,kwh\n",
            "corrige.csv",
        )
    )
    assert "1 nouveaux, 1 modifiés, 0 inchangés" in out
    assert (
        SensorReading.objects.get(household=household, date=date(2026, 1, 5)).value
        == 12
    )
    baseline = MetricBaseline.objects.get(household=household, metric="gas_kwh")
    assert baseline.daily_mean == Decimal("13")


def test_bad_rows_are_all_reported_with_line_numbers_and_nothing_is_imported(
    tmp_path, household
):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    hid = household.public_id
    path = write(
        tmp_path,
        "household_id,date,metric,value,unit\n"  # line 1
        f"{hid},2026-01-05,electricity_kwh,7.5,kWh\n"  # 2: good
        f"{hid},05/01/2026,electricity_kwh,7.5,kWh\n"  # 3: bad date
        f"{hid},2026-01-06,electricity_kwh,7.5,Wh\n"  # 4: bad unit
        f"INCONNU99,2026-01-06,water_l,120,L\n"  # 5: unknown household
        f"{hid},2026-01-07,water_l,-3,L\n"  # 6: negative value
        f"{hid},2026-01-08,water_l,beaucoup,L\n"  # 7: not a number
        f"{hid},2026-01-08,fioul_l,12,L\n"  # 8: unknown metric
        f"{hid},{tomorrow},gas_kwh,1,kWh\n"  # 9: future
        f"{hid},2026-01-05,electricity_kwh,8,kWh\n"  # 10: duplicate of line 2
        f"{hid},2026-01-09,gas_kwh\n",  # 11: missing a column
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="9 ligne"):
        call_command("import_readings", str(path), stdout=out, stderr=err)
    report = err.getvalue()
    lines = [line.split(" :")[0] for line in report.strip().splitlines()]
    assert lines == [f"ligne {n}" for n in range(3, 12)]
    assert "date invalide « 05/01/2026 »" in report
    assert "unité « Wh »" in report
    assert "foyer inconnu « INCONNU99 »" in report
    assert "valeur invalide « -3 »" in report
    assert "mesure inconnue « fioul_l »" in report
    assert "date dans le futur" in report
    assert "déjà ligne 2" in report
    assert not SensorReading.objects.exists()
    assert not MetricBaseline.objects.exists()


def test_a_file_without_the_columns_is_refused(tmp_path, household):
    path = write(tmp_path, "foyer;jour;kwh\nA;2026-01-01;3\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_readings", str(path), stdout=StringIO(), stderr=err)
    assert "ligne 1 : colonnes manquantes" in err.getvalue()
    assert not SensorReading.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Lecture impossible"):
        call_command("import_readings", str(tmp_path / "absent.csv"))


def test_an_unreadable_csv_is_reported_not_raised(tmp_path, household):
    huge = "x" * 200_000  # past the csv module's field size limit
    path = write(
        tmp_path,
        "household_id,date,metric,value\n"
        f'{household.public_id},2026-01-05,water_l,"{huge}"\n',
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_readings", str(path), stdout=StringIO(), stderr=err)
    assert "CSV illisible" in err.getvalue()
    assert not SensorReading.objects.exists()


def test_the_import_goes_through_the_contract_once_per_household(
    tmp_path, make_household
):
    household, other = make_household(), make_household()
    run(good_file(tmp_path, household, other))
    batches = ReadingBatch.objects.filter(household__in=[household, other])
    assert sorted(b.result["days_created"] for b in batches) == [1, 3]
    assert {b.source for b in batches} == {"csv_import"}
    assert set(SensorReading.objects.values_list("source", "estimated").distinct()) == {
        ("csv_import", False)
    }


def test_the_same_rows_in_another_file_are_counted_unchanged(tmp_path, household):
    rows = f"{household.public_id},2026-01-05,gas_kwh,20\n"
    run(write(tmp_path, "household_id,date,metric,value\n" + rows, "a.csv"))
    # Another file (columns in another order): another key, the same values.
    again = write(
        tmp_path,
        "metric,household_id,date,value\n"
        f"gas_kwh,{household.public_id},2026-01-05,20.0\n",
        "b.csv",
    )
    out, _err = run(again)
    assert "1 relevés lus : 0 nouveaux, 0 modifiés, 1 inchangés" in out


@pytest.mark.django_db(transaction=True)
def test_the_import_reaches_a_remote_core_over_http(
    tmp_path, remote_core, make_household
):
    household, other = make_household(), make_household()
    with override_settings(SMARTCITIZEN=fast_smartcitizen(SCORING_TIMEOUT=10)):
        out, _err = run(good_file(tmp_path, household, other))
    assert "4 relevés lus : 4 nouveaux, 0 modifiés, 0 inchangés" in out
    assert ReadingBatch.objects.filter(household__in=[household, other]).count() == 2
    out, _err = run(good_file(tmp_path, household, other))
    assert "0 nouveaux, 0 modifiés, 4 inchangés" in out


def test_a_core_that_does_not_answer_is_a_clear_error(tmp_path, household):
    path = write(
        tmp_path,
        f"household_id,date,metric,value\n{household.public_id},2026-01-05,gas_kwh,2\n",
    )
    with (
        override_settings(
            SCORING_CORE_URL=f"http://127.0.0.1:{free_port()}/api/scoring/v1/",
            SCORING_CORE_TOKEN="t" * 32,
            SMARTCITIZEN=fast_smartcitizen(),
        ),
        pytest.raises(CommandError, match="ne répond pas"),
    ):
        run(path)
    assert not SensorReading.objects.exists()

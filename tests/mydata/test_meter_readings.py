"""The readings in « Mes données » come through `scoring.client.get_readings`.

Year by year from today back to the household's first reading, with the
embedded engine or a remote core (this site's own API on a live server): the
archive holds every daily value (with `estimated` and `source`) and every
hour, a bounded number of queries per year, and « indisponible » when the core
does not answer.
"""

import io
import json
import time
import zipfile
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import pytest
from django.core.files.storage import storages
from django.test import override_settings
from django.utils import timezone

from community.models import HouseholdStatus
from meters import exporting as exporting_meters
from mydata.actions import exports
from mydata.models import DataExport, ExportState
from scoring import client as scoring
from scoring import transport
from scoring.models import HourlyReading, ReadingSource, SensorReading
from tests.factories import make_household, make_member
from tests.scoring.conftest import TOKEN, fast_smartcitizen


@pytest.fixture(autouse=True)
def _closed_breaker():
    transport.reset_breaker()
    yield
    transport.reset_breaker()


@pytest.fixture
def resident(town, neighbourhood):
    household = make_household(neighbourhood, status=HouseholdStatus.ACTIVE)
    return make_member(town, household=household)


def local_hours(day, count: int) -> list[dict]:
    start = datetime.combine(day, clock(), tzinfo=timezone.get_default_timezone())
    start = start.astimezone(UTC)
    return [
        {"starts_at": (start + timedelta(hours=n)).isoformat(), "value": "0.25"}
        for n in range(count)
    ]


def history(household) -> None:
    """About two and a half years of readings: three spans of a year to ask."""
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(0, 900, 9)]
    scoring.send_readings(
        household,
        source=ReadingSource.INDEX,
        idempotency_key="water",
        daily=[
            {
                "date": d.isoformat(),
                "metric": "water_l",
                "value": "140.5",
                "estimated": True,
            }
            for d in days
        ],
    )
    old, recent = today - timedelta(days=880), today - timedelta(days=2)
    scoring.send_readings(
        household,
        source=ReadingSource.ENEDIS_LOAD_CURVE,
        idempotency_key="curve",
        daily=[
            {"date": old.isoformat(), "metric": "electricity_kwh", "value": "6"},
            {"date": recent.isoformat(), "metric": "electricity_kwh", "value": "6"},
        ],
        hourly=local_hours(old, 24) + local_hours(recent, 24),
    )


def stored(household) -> tuple[list, list]:
    """What the core's tables hold, in the archive's shape and order."""
    daily = [
        {
            "jour": r.date.isoformat(),
            "mesure": r.metric,
            "valeur": str(r.value),
            "estime": r.estimated,
            "source": r.source,
        }
        for r in SensorReading.objects.filter(household=household).order_by(
            "metric", "date"
        )
    ]
    hourly = [
        {
            "debut": r.starts_at.astimezone(UTC).isoformat(),
            "mesure": "electricity_kwh",
            "valeur": str(r.value),
            "source": r.source,
        }
        for r in HourlyReading.objects.filter(household=household).order_by("starts_at")
    ]
    return daily, hourly


def built_archive(member) -> zipfile.ZipFile:
    """Requested as the view does: the thread started after commit builds it."""
    export = exports.check_request_export(member)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        export = DataExport.objects.get(pk=export.pk)
        if export.state in (ExportState.READY, ExportState.FAILED):
            break
        time.sleep(0.2)
    assert export.state == ExportState.READY
    with storages["exports"].open(export.file_name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


@pytest.mark.django_db(transaction=True)
def test_with_a_remote_core_the_archive_holds_every_reading(live_server, resident):
    household = resident.household
    history(household)
    daily, hourly = stored(household)
    assert len(daily) == 102 and len(hourly) == 48
    url = f"{live_server.url}/api/scoring/v1/"
    # A generous deadline: the live server shares two busy cores with the test.
    with override_settings(
        SCORING_CORE_URL=url,
        SCORING_CORE_TOKEN=TOKEN,
        SMARTCITIZEN=fast_smartcitizen(SCORING_TIMEOUT=10),
    ):
        assert not scoring.is_embedded()
        zipped = built_archive(resident)
    readings = json.loads(zipped.read("compteurs.json"))["releves"]
    assert readings["par_jour"] == daily
    assert readings["par_heure"] == hourly


@pytest.mark.django_db(transaction=True)
def test_with_a_remote_core_down_the_readings_are_unavailable(resident):
    history(resident.household)
    with override_settings(
        SCORING_CORE_URL="http://127.0.0.1:9/api/scoring/v1/",
        SCORING_CORE_TOKEN=TOKEN,
        SMARTCITIZEN=fast_smartcitizen(),
    ):
        zipped = built_archive(resident)
    readings = json.loads(zipped.read("compteurs.json"))["releves"]
    assert readings == {"indisponible": "Données indisponibles"}
    # The rest of the archive is there, the points unavailable the same way.
    assert json.loads(zipped.read("points.json")) == {
        "indisponible": "Données indisponibles"
    }


@pytest.mark.django_db
def test_embedded_the_archive_asks_the_contract_a_few_queries_a_year(
    resident, django_assert_max_num_queries
):
    household = resident.household
    history(household)
    daily, hourly = stored(household)
    # Three spans of a year, five queries each, whatever the number of readings.
    with django_assert_max_num_queries(15):
        readings = exporting_meters.readings(household)
    assert readings == {"par_jour": daily, "par_heure": hourly}


@pytest.mark.django_db
def test_a_household_without_readings_costs_one_call(resident, monkeypatch):
    calls = []
    real = scoring.get_readings

    def counted(household, *, start, end):
        calls.append((start, end))
        return real(household, start=start, end=end)

    monkeypatch.setattr(scoring, "get_readings", counted)
    assert exporting_meters.readings(resident.household) == {
        "par_jour": [],
        "par_heure": [],
    }
    today = timezone.localdate()
    assert calls == [(today - timedelta(days=365), today)]

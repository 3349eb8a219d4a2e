"""« Mes données » and erasure for the household's meter data: the files it sent
(and the copies it kept), its indexes, and every reading the core keeps."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from community.models import HouseholdStatus
from meters import actions as meter_actions
from meters.models import MeterIndex, MeterUpload
from mydata.actions import exports
from mydata.actions.deletion import DeletionMode, check_delete_account
from scoring.models import HourlyReading, SensorReading
from tests.factories import PASSWORD, make_household, make_member
from tests.meters.files import enedis_load_curve

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(town, neighbourhood):
    household = make_household(neighbourhood, status=HouseholdStatus.ACTIVE)
    return make_member(town, household=household)


@pytest.fixture
def meter_data(resident):
    """A kept load-curve file of three days, stored, and two water indexes."""
    household = resident.household
    data = enedis_load_curve(timezone.localdate() - timedelta(days=5), 3, watts=400)
    upload = meter_actions.check_preview_upload(
        resident, household, data=data, filename="courbe.csv", keep_file=True
    )
    upload = meter_actions.do_confirm_upload(resident, upload)
    today = timezone.localdate()
    meter_actions.check_add_index(
        resident,
        household,
        meter_kind="water",
        read_on=today - timedelta(days=4),
        value="100",
    )
    meter_actions.check_add_index(
        resident, household, meter_kind="water", read_on=today, value="101"
    )
    return upload, data


def archive(member) -> zipfile.ZipFile:
    export = exports.do_build_export(exports.check_request_export(member).pk)
    with storages["exports"].open(export.file_name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_the_archive_holds_files_copies_indexes_and_readings(resident, meter_data):
    upload, data = meter_data
    zipped = archive(resident)
    meters = json.loads(zipped.read("compteurs.json"))

    [sent] = meters["fichiers"]
    assert sent["nom_du_fichier"] == "courbe.csv"
    assert sent["etat"] == "stored"
    assert sent["resume"]["days"] == 3
    # The copy the household asked to keep, byte for byte.
    assert sent["copie_gardee"].startswith("compteurs/fichiers/")
    assert zipped.read(sent["copie_gardee"]) == data

    assert [index["index"] for index in meters["index"]] == ["100.000", "101.000"]
    readings = meters["releves"]
    electricity = [r for r in readings["par_jour"] if r["mesure"] == "electricity_kwh"]
    water = [r for r in readings["par_jour"] if r["mesure"] == "water_l"]
    assert len(electricity) == 3
    assert len(water) == 4 and all(r["estime"] for r in water)
    assert len(readings["par_heure"]) == 72
    assert "compteurs.json" in zipped.read("LISEZMOI.txt").decode()


def test_a_file_not_kept_is_not_in_the_archive(resident):
    data = enedis_load_curve(timezone.localdate() - timedelta(days=3), 1)
    upload = meter_actions.check_preview_upload(
        resident, resident.household, data=data, filename="courbe.csv"
    )
    meter_actions.do_confirm_upload(resident, upload)
    zipped = archive(resident)
    [sent] = json.loads(zipped.read("compteurs.json"))["fichiers"]
    assert sent["copie_gardee"] == ""
    assert not [name for name in zipped.namelist() if name.startswith("compteurs/")]


def test_erasure_removes_files_copies_indexes_and_readings(
    resident, meter_data, django_capture_on_commit_callbacks
):
    upload, _ = meter_data
    household = resident.household
    kept = upload.file.name
    assert storages["exports"].exists(kept)
    assert HourlyReading.objects.filter(household=household).exists()

    with django_capture_on_commit_callbacks(execute=True):
        check_delete_account(resident, password=PASSWORD, mode=DeletionMode.REMOVE)

    assert not MeterUpload.objects.filter(household=household).exists()
    assert not MeterIndex.objects.filter(household=household).exists()
    assert not storages["exports"].exists(kept)
    assert not SensorReading.objects.filter(household=household).exists()
    assert not HourlyReading.objects.filter(household=household).exists()


def test_the_household_keeps_its_meter_data_for_its_other_members(
    town, resident, meter_data
):
    make_member(town, household=resident.household)
    check_delete_account(resident, password=PASSWORD, mode=DeletionMode.REMOVE)
    assert MeterUpload.objects.filter(household=resident.household).count() == 1
    assert MeterIndex.objects.filter(household=resident.household).count() == 2

"""Uploads and indexes through the real actions and the embedded scoring core."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from ambassadors.models import AuditEntry, AuditKind
from ambassadors.queries import AmbassadorScope
from community import roles
from meters import actions, queries
from meters.errors import (
    IndexNeedsConfirmation,
    MeterFileAlreadyStored,
    MeterFileError,
    MeterIndexError,
    MeterUploadError,
)
from meters.models import MeterIndex, MeterUpload, UploadStatus
from scoring.models import HourlyReading, ReadingBatch, SensorReading
from tests.factories import NeighbourhoodFactory, make_staff
from tests.meters import files
from tests.meters.conftest import closed_core

pytestmark = pytest.mark.django_db

D = Decimal


def readings(household, metric="electricity_kwh"):
    return dict(
        SensorReading.objects.filter(household=household, metric=metric).values_list(
            "date", "value"
        )
    )


def preview(member, data, name="export.csv", **options):
    return actions.check_preview_upload(
        member, member.household, data=data, filename=name, **options
    )


def test_preview_keeps_the_summary_and_stores_nothing_in_the_core(member):
    upload = preview(member, files.enedis_load_curve(date(2024, 1, 1), 3), "a.png")
    assert upload.status == UploadStatus.PENDING
    assert upload.source == "enedis_load_curve"  # from the content, not ".png"
    assert upload.meter_id == files.PRM
    assert upload.original_name == "a.png"
    assert upload.summary["days"] == 3
    assert upload.summary["replaced_days"] == 0
    assert len(upload.readings["hourly"]) == 72
    assert not upload.file  # not kept unless asked
    assert SensorReading.objects.count() == 0


def test_confirm_stores_days_and_hours_in_the_core(member):
    upload = preview(member, files.enedis_load_curve(date(2024, 1, 1), 3, watts=1000))
    stored = actions.do_confirm_upload(member, upload)
    assert stored.status == UploadStatus.STORED
    assert stored.stored_at is not None
    assert stored.result["days_created"] == 3
    assert stored.result["hours_stored"] == 72
    assert readings(member.household) == {
        date(2024, 1, 1): D(24),
        date(2024, 1, 2): D(24),
        date(2024, 1, 3): D(24),
    }
    assert HourlyReading.objects.filter(household=member.household).count() == 72
    # A second click changes nothing and sends nothing.
    again = actions.do_confirm_upload(member, upload)
    assert again.status == UploadStatus.STORED
    assert ReadingBatch.objects.filter(household=member.household).count() == 1


def test_a_bad_file_stores_nothing(member):
    data = files.enedis_load_curve(date(2024, 1, 1), 1).replace(
        b";500\r\n", b";x\r\n", 1
    )
    with pytest.raises(MeterFileError) as caught:
        preview(member, data)
    assert caught.value.line == 4
    assert MeterUpload.objects.count() == 0
    assert SensorReading.objects.count() == 0


def test_the_same_file_twice_stores_nothing_new(member, housemate):
    data = files.gazpar_csv(date(2024, 2, 1), 10)
    first = actions.do_confirm_upload(member, preview(member, data))
    # Another member of the household, another name: the same bytes.
    with pytest.raises(MeterFileAlreadyStored) as caught:
        preview(housemate, data, "copie.csv")
    assert caught.value.upload == first
    assert "déjà été envoyé" in caught.value.text
    assert MeterUpload.objects.count() == 1
    assert ReadingBatch.objects.count() == 1


def test_the_same_file_for_another_household_is_its_own(member, stranger):
    data = files.gazpar_csv(date(2024, 2, 1), 3)
    actions.do_confirm_upload(member, preview(member, data))
    other = actions.do_confirm_upload(stranger, preview(stranger, data))
    assert other.status == UploadStatus.STORED
    assert len(readings(stranger.household, "gas_kwh")) == 3


def test_a_cancelled_preview_can_be_sent_again(member):
    data = files.gazpar_xlsx(date(2024, 2, 1), 4)
    upload = preview(member, data, keep_file=True)
    assert upload.file
    actions.do_cancel_upload(member, upload)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CANCELLED
    assert upload.readings == {}
    assert not upload.file
    with pytest.raises(MeterUploadError):
        actions.do_confirm_upload(member, upload)
    again = preview(member, data)
    assert again.pk == upload.pk
    assert again.status == UploadStatus.PENDING
    assert actions.do_confirm_upload(member, again).status == UploadStatus.STORED
    with pytest.raises(MeterUploadError):
        actions.do_cancel_upload(member, again)


def test_kept_file_is_the_uploaded_bytes(member):
    data = files.gazpar_csv(date(2024, 2, 1), 2)
    upload = preview(member, data, "gazpar.csv", keep_file=True)
    with upload.file.open("rb") as kept:
        assert kept.read() == data


def test_a_later_file_says_which_days_it_replaces(member):
    actions.do_confirm_upload(
        member, preview(member, files.enedis_daily(date(2024, 3, 1), 10, wh=9000))
    )
    later = preview(member, files.enedis_daily(date(2024, 3, 6), 10, wh=7000))
    assert later.summary["replaced_days"] == 5
    assert later.summary["replaced_dates"][0] == "2024-03-06"
    stored = actions.do_confirm_upload(member, later)
    assert stored.result["days_replaced"] == 5
    assert stored.result["days_created"] == 5
    days = readings(member.household)
    assert days[date(2024, 3, 5)] == D(9)
    assert days[date(2024, 3, 6)] == D(7)
    assert len(days) == 15


def test_gas_and_electricity_do_not_replace_each_other(member):
    actions.do_confirm_upload(
        member, preview(member, files.enedis_daily(date(2024, 3, 1), 5))
    )
    gas = preview(member, files.gazpar_csv(date(2024, 3, 1), 5))
    assert gas.summary["replaced_days"] == 0


def test_confirm_while_the_core_is_down_queues_then_sends_once(member):
    data = files.enedis_load_curve(date(2024, 1, 1), 2, watts=1000)
    upload = preview(member, data)
    with closed_core():
        queued = actions.do_confirm_upload(member, upload)
        assert queued.status == UploadStatus.QUEUED
        # Still down: nothing is sent, the upload waits.
        assert actions.send_pending_readings(member.household) == 0
    assert SensorReading.objects.count() == 0
    assert queries.meter_overview(member.household)["queued"] == 1
    # The same file again while it waits: already stored (queued), nothing new.
    with pytest.raises(MeterFileAlreadyStored):
        preview(member, data)
    # The core answers again: sent once, with its own key.
    assert actions.send_pending_readings(member.household) == 1
    assert actions.send_pending_readings(member.household) == 0
    upload.refresh_from_db()
    assert upload.status == UploadStatus.STORED
    assert upload.result["days_created"] == 2
    assert (
        ReadingBatch.objects.filter(idempotency_key=upload.idempotency_key).count() == 1
    )
    assert len(readings(member.household)) == 2
    assert queries.meter_overview(member.household)["queued"] == 0


def test_queued_upload_is_sent_when_the_household_confirms_another(member):
    with closed_core():
        first = actions.do_confirm_upload(
            member, preview(member, files.gazpar_csv(date(2024, 1, 1), 3))
        )
    assert first.status == UploadStatus.QUEUED
    actions.do_confirm_upload(
        member, preview(member, files.gazpar_csv(date(2024, 2, 1), 3))
    )
    first.refresh_from_db()
    assert first.status == UploadStatus.STORED
    assert len(readings(member.household, "gas_kwh")) == 6


def test_others_cannot_see_or_confirm_an_upload(member, stranger):
    upload = preview(member, files.gazpar_csv(date(2024, 1, 1), 3))
    assert queries.access_upload(member, upload.pk) == upload
    assert queries.access_upload(member, str(upload.pk)) == upload
    with pytest.raises(Http404):
        queries.access_upload(stranger, upload.pk)
    with pytest.raises(Http404):
        queries.access_upload(member, "not-a-uuid")
    with pytest.raises(PermissionDenied):
        actions.do_confirm_upload(stranger, upload)
    with pytest.raises(PermissionDenied):
        actions.check_preview_upload(
            stranger, member.household, data=b"x", filename="x.csv"
        )


# --- indexes ------------------------------------------------------------------------


def add(member, kind, days_ago, value, **options):
    return actions.check_add_index(
        member,
        member.household,
        meter_kind=kind,
        read_on=timezone.localdate() - timedelta(days=days_ago),
        value=value,
        **options,
    )


def test_first_index_stores_only_the_index(member):
    index = add(member, "water", 10, "120.5")
    assert index.value == D("120.500")
    assert index.sent_at is not None  # nothing to send
    assert index.readings == {"daily": []}
    assert SensorReading.objects.count() == 0


def test_second_index_spreads_the_consumption_estimated(member):
    add(member, "water", 10, "120")
    index = add(member, "water", 6, "120.4")
    assert index.sent_at is not None
    days = SensorReading.objects.filter(household=member.household, metric="water_l")
    assert days.count() == 4
    assert {row.value for row in days} == {D(100)}
    assert all(row.estimated for row in days)
    assert {row.source for row in days} == {"index"}


def test_gas_index_in_m3_becomes_kwh(member):
    add(member, "gas", 3, "1000")
    add(member, "gas", 1, "1002")
    total = sum(readings(member.household, "gas_kwh").values())
    assert total == D("22.4")  # 2 m³ × 11.2 kWh/m³


def test_index_typed_between_two_respreads_both_sides(member):
    add(member, "electricity", 10, "1000")
    add(member, "electricity", 0, "1100")
    assert set(readings(member.household).values()) == {D(10)}
    add(member, "electricity", 5, "1080")
    days = readings(member.household)
    assert len(days) == 10
    assert days[timezone.localdate() - timedelta(days=10)] == D(16)
    assert days[timezone.localdate() - timedelta(days=1)] == D(4)


def test_lower_index_asks_and_stores_nothing_until_answered(member):
    add(member, "water", 10, "500")
    with pytest.raises(IndexNeedsConfirmation) as caught:
        add(member, "water", 2, "3")
    assert caught.value.last.value == D(500)
    assert "remplacé" in caught.value.message
    assert MeterIndex.objects.count() == 1
    with pytest.raises(MeterIndexError) as refused:
        add(member, "water", 2, "3", new_meter=False)
    assert not isinstance(refused.value, IndexNeedsConfirmation)
    assert "ne peut pas baisser" in refused.value.message
    assert MeterIndex.objects.count() == 1
    index = add(member, "water", 2, "3", new_meter=True)
    assert index.new_meter is True
    assert SensorReading.objects.count() == 0  # consumption restarts here
    add(member, "water", 0, "3.2")
    assert set(readings(member.household, "water_l").values()) == {D(100)}


@pytest.mark.parametrize(
    ("days_ago", "value", "field"),
    [
        (-1, "10", "read_on"),
        (3000, "10", "read_on"),
        (1, "-2", "value"),
        (1, "douze", "value"),
        (1, "1.2345", "value"),
        (1, "1e12", "value"),
    ],
)
def test_bad_date_or_value_is_refused(member, days_ago, value, field):
    with pytest.raises(MeterIndexError) as caught:
        add(member, "water", days_ago, value)
    assert caught.value.field == field
    assert MeterIndex.objects.count() == 0


def test_same_day_twice_is_one_index(member):
    first = add(member, "water", 1, "10")
    assert add(member, "water", 1, "10.000") == first
    with pytest.raises(MeterIndexError) as caught:
        add(member, "water", 1, "11")
    assert caught.value.field == "read_on"


def test_index_while_the_core_is_down_is_sent_later_once(member):
    add(member, "electricity", 4, "100")
    with closed_core():
        index = add(member, "electricity", 0, "140")
    assert index.sent_at is None
    assert SensorReading.objects.count() == 0
    assert actions.send_pending_readings() == 1
    assert actions.send_pending_readings() == 0
    index.refresh_from_db()
    assert index.sent_at is not None
    assert set(readings(member.household).values()) == {D(10)}
    assert (
        ReadingBatch.objects.filter(idempotency_key=index.idempotency_key).count() == 1
    )


def test_an_ambassador_types_an_index_audited(town, neighbourhood, member):
    user = make_staff(town, roles.AMBASSADOR)
    scope = AmbassadorScope(
        user=user, town=town, page=None, neighbourhoods=[neighbourhood]
    )
    index = actions.check_add_index(
        None,
        member.household,
        meter_kind="water",
        read_on=timezone.localdate(),
        value="42",
        assisted_by=scope,
    )
    assert index.assisted is True
    assert index.entered_by == user
    entry = AuditEntry.objects.get()
    assert entry.kind == AuditKind.ACTION_LOGGED
    assert entry.actor == user
    assert entry.household == member.household
    assert entry.detail["action"] == "meter_index"
    assert entry.detail["value"] == "42"
    overview = queries.meter_overview(member.household)
    assert overview["last_index"]["water"].assisted is True


def test_an_ambassador_outside_their_neighbourhoods_is_refused(town, member):
    user = make_staff(town, roles.AMBASSADOR)
    elsewhere = NeighbourhoodFactory(town=town)
    scope = AmbassadorScope(user=user, town=town, page=None, neighbourhoods=[elsewhere])
    with pytest.raises(MeterIndexError):
        actions.check_add_index(
            None,
            member.household,
            meter_kind="water",
            read_on=timezone.localdate(),
            value="42",
            assisted_by=scope,
        )
    assert MeterIndex.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_member_cannot_type_for_another_household(member, stranger):
    with pytest.raises(PermissionDenied):
        actions.check_add_index(
            stranger,
            member.household,
            meter_kind="water",
            read_on=timezone.localdate(),
            value="1",
        )


def test_overview_is_bounded(member, django_assert_max_num_queries):
    for n in range(4):
        actions.do_confirm_upload(
            member, preview(member, files.gazpar_csv(date(2024, 1, 1 + 5 * n), 3))
        )
        add(member, "water", 20 - n, str(100 + n))
    with django_assert_max_num_queries(7):
        overview = queries.meter_overview(member.household)
        assert len(overview["uploads"]) == 4
        assert overview["last_index"]["water"].value == D(103)
        assert overview["last_upload"]["gas"].summary["first_day"] == "2024-01-16"
        assert [i.read_on for i in overview["indexes"]][
            0
        ] == timezone.localdate() - timedelta(days=17)


def test_demo_files_upload_as_they_are(member, tmp_path):
    from meters.demo import write_demo_files

    curve, gas = write_demo_files(tmp_path, date(2026, 3, 31))
    assert curve.name.endswith(".csv") and gas.name.endswith(".xlsx")
    # Made the same way twice, the same bytes.
    assert write_demo_files(tmp_path / "again", date(2026, 3, 31))[0].read_bytes() == (
        curve.read_bytes()
    )
    for path, source, days in ((curve, "enedis_load_curve", 14), (gas, "gazpar", 28)):
        upload = preview(member, path.read_bytes(), path.name)
        assert upload.source == source
        assert upload.summary["days"] == days
        assert upload.summary["missing_days"] == 0
        # Ends yesterday; the load curve crosses the spring change (29 March).
        assert upload.summary["last_day"] == "2026-03-30"
        assert actions.do_confirm_upload(member, upload).status == UploadStatus.STORED
    assert (
        HourlyReading.objects.filter(household=member.household).count() == 14 * 24 - 1
    )


# --- the queue with a real remote core over HTTP, and two senders at once ------------


@pytest.mark.django_db(transaction=True)
def test_queued_upload_reaches_a_remote_core_over_http_once(member, live_server):
    from django.core.cache import cache
    from django.test import override_settings

    from tests.scoring.conftest import TOKEN, fast_smartcitizen

    cache.clear()
    upload = preview(member, files.enedis_load_curve(date(2024, 3, 30), 3))
    with closed_core():
        assert actions.do_confirm_upload(member, upload).status == UploadStatus.QUEUED
    remote = override_settings(
        SCORING_CORE_URL=f"{live_server.url}/api/scoring/v1/",
        SCORING_CORE_TOKEN=TOKEN,
        # The live server shares this process (and a busy machine): time to answer.
        SMARTCITIZEN=fast_smartcitizen(SCORING_TIMEOUT=10),
    )
    with remote:
        sent = actions.send_pending_readings()
        upload.refresh_from_db()
        assert (sent, upload.status) == (1, UploadStatus.STORED), upload.result
        assert actions.send_pending_readings() == 0
    assert upload.status == UploadStatus.STORED
    assert upload.result["hours_stored"] == 71  # the spring day has 23 hours
    assert ReadingBatch.objects.filter(household=member.household).count() == 1
    assert HourlyReading.objects.filter(household=member.household).count() == 71
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_queued_row_another_sender_holds_is_skipped(member):
    import threading

    from django.db import connection, transaction

    with closed_core():
        held = actions.do_confirm_upload(
            member, preview(member, files.gazpar_csv(date(2024, 1, 1), 2))
        )
        free = actions.do_confirm_upload(
            member, preview(member, files.gazpar_csv(date(2024, 2, 1), 2))
        )
    locked, release = threading.Event(), threading.Event()

    def other_sender() -> None:
        try:
            with transaction.atomic():
                MeterUpload.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_sender)
    thread.start()
    try:
        assert locked.wait(10)
        assert actions.send_pending_readings() == 1
    finally:
        release.set()
        thread.join(10)
    statuses = dict(MeterUpload.objects.values_list("pk", "status"))
    assert statuses == {held.pk: UploadStatus.QUEUED, free.pk: UploadStatus.STORED}
    assert actions.send_pending_readings() == 1
    assert actions.send_pending_readings() == 0
    assert ReadingBatch.objects.count() == 2


def test_a_queued_upload_the_core_refuses_is_marked_refused_not_retried(member):
    from community.models import Household, HouseholdStatus

    upload = preview(member, files.gazpar_csv(date(2024, 1, 1), 3))
    with closed_core():
        actions.do_confirm_upload(member, upload)
    # The household left the programme before the core came back.
    Household.objects.filter(pk=member.household_id).update(status=HouseholdStatus.LEFT)
    assert actions.send_pending_readings() == 0
    upload.refresh_from_db()
    assert upload.status == UploadStatus.REFUSED
    assert upload.result["refused"] == "household_left"
    assert actions.send_pending_readings() == 0  # not tried again
    with pytest.raises(MeterUploadError) as caught:
        actions.do_confirm_upload(member, upload)
    assert "refusé" in caught.value.message
    assert SensorReading.objects.count() == 0

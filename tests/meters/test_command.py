"""`import_meter_file` and `send_pending_readings`, as an operator runs them."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from meters.models import MeterUpload, UploadStatus
from scoring.models import HourlyReading, SensorReading
from tests.meters import files
from tests.meters.conftest import closed_core

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_meter_file", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def curve(tmp_path: Path) -> Path:
    path = tmp_path / "mes-donnees.csv"
    path.write_bytes(files.enedis_load_curve(date(2024, 3, 30), 3, watts=1000))
    return path


def test_dry_run_prints_the_preview_and_stores_nothing(member, curve):
    out = run("--household", member.household.public_id, str(curve), "--dry-run")
    assert "Période : du 2024-03-30 au 2024-04-01" in out
    assert "Jours : 3" in out
    assert "Total : 71.000 kWh" in out  # 24 + 23 + 24 hours at 1 kW
    assert f"Compteur : Électricité, n° {files.PRM}" in out
    assert "Fichier : Linky, courbe de charge" in out
    assert "rien n'a été enregistré" in out
    assert MeterUpload.objects.count() == 0
    assert SensorReading.objects.count() == 0


def test_import_stores_what_the_upload_stores(member, curve):
    out = run("--household", member.household.public_id, str(curve))
    assert "Total : 71.000 kWh" in out
    assert "Enregistré : 3 jour(s) ajouté(s)" in out
    upload = MeterUpload.objects.get()
    assert upload.status == UploadStatus.STORED
    assert upload.uploaded_by is None
    assert upload.original_name == "mes-donnees.csv"
    assert SensorReading.objects.filter(household=member.household).count() == 3
    assert HourlyReading.objects.filter(household=member.household).count() == 71
    # The same file again: the upload's message, a non-zero exit.
    with pytest.raises(CommandError, match="déjà été envoyé"):
        run("--household", member.household.public_id, str(curve))
    assert MeterUpload.objects.count() == 1


def test_bad_file_exits_with_the_line_and_stores_nothing(member, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        files.enedis_daily(date(2024, 1, 1), 3).replace(b";9000", b";neuf mille", 1)
    )
    with pytest.raises(CommandError, match=r"^Ligne 4 : .*neuf mille"):
        run("--household", member.household.public_id, str(bad))
    assert MeterUpload.objects.count() == 0


def test_unknown_household_and_missing_file(member, curve, tmp_path):
    with pytest.raises(CommandError, match="Aucun foyer"):
        run("--household", "inconnu", str(curve))
    with pytest.raises(CommandError, match="Fichier illisible"):
        run("--household", member.household.public_id, str(tmp_path / "absent.csv"))


def test_exit_status_is_non_zero_from_the_shell(tmp_path):
    # A process of its own, on the test database (migrated, but without this
    # test's uncommitted rows): an unknown household is the error it meets.
    import os

    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:"
        f"{db['PORT']}/{db['NAME']}",
    }
    import subprocess
    import sys

    bad = tmp_path / "image.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [
            sys.executable,
            "manage.py",
            "import_meter_file",
            "--household",
            "pas-un-foyer",
            str(bad),
            "--dry-run",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
        env=env,
    )
    assert done.returncode != 0
    assert "Aucun foyer" in done.stderr
    assert "Traceback" not in done.stderr


def test_core_down_queues_and_send_pending_readings_sends_once(member, curve):
    with closed_core():
        out = run("--household", member.household.public_id, str(curve))
        assert "en attente" in out
        pending = StringIO()
        call_command("send_pending_readings", stdout=pending)
        assert "0 envoi(s)" in pending.getvalue()
        assert "1 envoi(s) restent en attente" in pending.getvalue()
    assert MeterUpload.objects.get().status == UploadStatus.QUEUED
    sent = StringIO()
    call_command("send_pending_readings", stdout=sent)
    assert "1 envoi(s) enregistré(s)" in sent.getvalue()
    call_command("send_pending_readings", stdout=StringIO())
    assert MeterUpload.objects.get().status == UploadStatus.STORED
    assert SensorReading.objects.filter(household=member.household).count() == 3


def test_previews_never_decided_are_forgotten_after_a_week(member):
    from datetime import timedelta

    from django.utils import timezone

    from meters import actions

    old = actions.check_preview_upload(
        member,
        member.household,
        data=files.gazpar_csv(date(2024, 1, 1), 3),
        filename="vieux.csv",
        keep_file=True,
    )
    kept = old.file.name
    storage = old.file.storage
    MeterUpload.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    recent = actions.check_preview_upload(
        member,
        member.household,
        data=files.gazpar_csv(date(2024, 2, 1), 3),
        filename="recent.csv",
    )
    out = StringIO()
    call_command("send_pending_readings", stdout=out)
    assert "1 aperçu(s) jamais confirmé(s) oublié(s)" in out.getvalue()
    assert list(MeterUpload.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not storage.exists(kept)

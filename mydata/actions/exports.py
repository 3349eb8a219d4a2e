"""« Mes données » archives: ask, build (thread or command), expire.

No task queue: a request writes a PENDING row and, after commit, starts a thread
in the web process that builds it. A thread that dies (the process restarts)
leaves the row PENDING or BUILDING; `manage.py build_data_exports`, run every few
minutes by cron, picks up pending rows and builds stale ones again. A row is
claimed with one conditional UPDATE, so a thread and the command never build the
same export at once.
"""

import logging
import threading
from datetime import timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Member
from mydata import conf
from mydata.exporting import collect, write_zip
from mydata.models import DataExport, ExportState

logger = logging.getLogger(__name__)

# In the "exports" storage (PRIVATE_ROOT, never served by a web server).
EXPORT_DIR = "exports"


def export_path(export: DataExport) -> str:
    """Storage name of an archive: a random directory nobody can guess."""
    day = timezone.localdate().isoformat()
    return f"{EXPORT_DIR}/{export.token}/mes-donnees-{day}.zip"


def check_request_export(member: Member) -> DataExport:
    """Ask for an archive; an export still being built is answered instead."""
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()
        open_export = member.data_exports.filter(
            state__in=[ExportState.PENDING, ExportState.BUILDING]
        ).first()
        if open_export is not None:
            return open_export
        interval = timedelta(minutes=int(conf.get("EXPORT_MIN_INTERVAL_MINUTES")))
        recent = member.data_exports.filter(
            requested_at__gt=timezone.now() - interval
        ).exists()
        if recent:
            raise ValidationError(
                _(
                    "Vous venez de demander une archive : attendez quelques minutes "
                    "avant d'en demander une nouvelle."
                ),
                code="too_soon",
            )
        export = DataExport.objects.create(member=member)
        transaction.on_commit(lambda: start_build_thread(export.pk))
    return export


def start_build_thread(export_id: UUID) -> threading.Thread:
    """Build one export in a background thread of this process."""
    thread = threading.Thread(
        target=_build_in_thread, args=(export_id,), daemon=True, name="data-export"
    )
    thread.start()
    return thread


def _build_in_thread(export_id: UUID) -> None:
    close_old_connections()
    try:
        do_build_export(export_id)
    except Exception:
        logger.exception("mydata: export %s failed", export_id)
    finally:
        close_old_connections()


def _claim(export_id: UUID) -> bool:
    """Mark an export BUILDING if it is pending or stale; True when we got it."""
    stale = timezone.now() - timedelta(minutes=int(conf.get("EXPORT_STALE_MINUTES")))
    claimable = Q(state=ExportState.PENDING) | Q(
        state=ExportState.BUILDING, started_at__lt=stale
    )
    return bool(
        DataExport.objects.filter(claimable, pk=export_id).update(
            state=ExportState.BUILDING, started_at=timezone.now()
        )
    )


def do_build_export(export_id: UUID) -> DataExport | None:
    """Build an archive if nobody else is building it; answer the row, or None."""
    if not _claim(export_id):
        return None
    export = DataExport.objects.select_related("member").get(pk=export_id)
    try:
        content = write_zip(collect(export.member))
        name = storages["exports"].save(export_path(export), ContentFile(content))
    except Exception as error:
        export.state = ExportState.FAILED
        export.finished_at = timezone.now()
        export.error = type(error).__name__[:200]
        export.save(update_fields=["state", "finished_at", "error"])
        raise
    now = timezone.now()
    export.state = ExportState.READY
    export.file_name = name
    export.size = len(content)
    export.finished_at = now
    export.expires_at = now + timedelta(days=int(conf.get("EXPORT_VALID_DAYS")))
    export.save(
        update_fields=["state", "file_name", "size", "finished_at", "expires_at"]
    )
    return export


def do_build_pending_exports() -> tuple[int, int]:
    """Build every pending or stale export; answer (built, failed)."""
    stale = timezone.now() - timedelta(minutes=int(conf.get("EXPORT_STALE_MINUTES")))
    ids = list(
        DataExport.objects.filter(
            Q(state=ExportState.PENDING)
            | Q(state=ExportState.BUILDING, started_at__lt=stale)
        )
        .order_by("requested_at")
        .values_list("pk", flat=True)
    )
    built = failed = 0
    for export_id in ids:
        try:
            if do_build_export(export_id) is not None:
                built += 1
        except Exception:
            logger.exception("mydata: export %s failed", export_id)
            failed += 1
    return built, failed


def _delete_file(name: str) -> None:
    if name and storages["exports"].exists(name):
        storages["exports"].delete(name)


def do_delete_exports(exports) -> int:
    """Delete export rows and their files (after commit); answer how many."""
    names = [export.file_name for export in exports if export.file_name]
    count = len(exports)
    DataExport.objects.filter(pk__in=[export.pk for export in exports]).delete()
    transaction.on_commit(lambda: [_delete_file(name) for name in names])
    return count


def do_delete_expired_exports(now=None) -> int:
    """Delete expired archives and failed attempts older than the validity."""
    now = now or timezone.now()
    valid = timedelta(days=int(conf.get("EXPORT_VALID_DAYS")))
    expired = list(
        DataExport.objects.filter(
            Q(state=ExportState.READY, expires_at__lte=now)
            | Q(state=ExportState.FAILED, requested_at__lte=now - valid)
        )
    )
    with transaction.atomic():
        return do_delete_exports(expired)

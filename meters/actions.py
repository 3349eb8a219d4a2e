"""Every write of the meters app: uploads previewed then confirmed, typed indexes.

Readings reach the scoring core only through `scoring.client.send_readings`,
each upload or index under its own idempotency key: an upload's key is the
sha256 of the household and the file's bytes, so the same file twice is the
same key (and is refused before anything is stored). When the core does not
answer, a confirmed upload is kept `queued` and an index unsent (`sent_at`
empty) with the exact body and key of the first try; `send_pending_readings`
sends them later, oldest first, each row locked while it is sent, the way
`challenges.actions.do_send_pending_actions` sends pending actions, and the
core's key makes a second send of the same body store nothing twice.
"""

import hashlib
import logging
import uuid
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ambassadors.models import AuditEntry, AuditKind
from ambassadors.queries import AmbassadorScope
from community.models import Household, Member
from meters.errors import (
    IndexNeedsConfirmation,
    MeterFileAlreadyStored,
    MeterIndexError,
    MeterUploadError,
)
from meters.models import MeterIndex, MeterKind, MeterUpload, UploadStatus
from meters.parsers import ParsedFile, parse_meter_file, spread_index
from scoring import client as scoring
from scoring.models import ReadingSource

logger = logging.getLogger(__name__)

# Queued sends a page of the household makes on its way; the command sends all.
PENDING_BATCH = 10
SENT_STATUSES = (UploadStatus.STORED, UploadStatus.QUEUED)
# An index reads at most 999,999,999.999 (the column's 12 digits, 3 decimals).
MAX_INDEX = Decimal("999999999.999")
# Older indexes are not a household's current meter: the core keeps 5 years.
OLDEST_INDEX_DAYS = 5 * 366
REPLACED_DATES_SHOWN = 10
# A preview nobody confirmed is forgotten after a week (`send_pending_readings`
# command): a household's data are not kept for a file it did not decide on.
STALE_PREVIEW = timedelta(days=7)


def upload_key(household: Household, data: bytes) -> str:
    """The same file for the same household is the same key (and the same upload)."""
    digest = hashlib.sha256(household.public_id.encode() + b"\n")
    digest.update(data)
    return digest.hexdigest()


def _require_household(member: Member | None, household_id: int) -> None:
    # `member` None is an operator's script (`import_meter_file`), never a view.
    if member is not None and member.household_id != household_id:
        raise PermissionDenied


def _replaced_days(household: Household, parsed: ParsedFile, exclude) -> list[date]:
    """Days of this file that earlier stored (or queued) files already gave."""
    spans = []
    earlier = (
        MeterUpload.objects.filter(
            household=household,
            meter_kind=parsed.meter_kind,
            status__in=SENT_STATUSES,
        )
        .exclude(pk=exclude)
        .values_list("summary", flat=True)
    )
    for summary in earlier:
        try:
            spans.append(
                (
                    date.fromisoformat(summary["first_day"]),
                    date.fromisoformat(summary["last_day"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return [
        value.day
        for value in parsed.daily
        if any(first <= value.day <= last for first, last in spans)
    ]


def check_preview_upload(
    member: Member | None,
    household: Household,
    *,
    data: bytes,
    filename: str,
    keep_file: bool = False,
) -> MeterUpload:
    """Read a meter file and keep what was understood, pending, for the preview.

    Raises MeterFileError (nothing stored) for a bad file, and
    MeterFileAlreadyStored when this household already stored the same bytes.
    A pending or cancelled upload of the same bytes is reused, not duplicated.
    """
    _require_household(member, household.pk)
    parsed = parse_meter_file(data)
    key = upload_key(household, data)
    existing = MeterUpload.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.status in SENT_STATUSES:
        raise MeterFileAlreadyStored(existing)
    replaced = _replaced_days(household, parsed, existing.pk if existing else None)
    summary = parsed.summary()
    summary["replaced_days"] = len(replaced)
    summary["replaced_dates"] = [
        day.isoformat() for day in replaced[:REPLACED_DATES_SHOWN]
    ]
    upload = existing or MeterUpload(household=household, idempotency_key=key)
    upload.uploaded_by = member.user if member is not None else None
    upload.source = parsed.source
    upload.meter_kind = parsed.meter_kind
    upload.meter_id = parsed.meter_id
    upload.original_name = (filename or "").rsplit("/", 1)[-1][:255]
    upload.summary = summary
    upload.readings = parsed.readings_body()
    upload.status = UploadStatus.PENDING
    upload.result = {}
    upload.keep_file = keep_file
    upload.created_at = timezone.now()
    try:
        with transaction.atomic():
            upload.save()
            if upload.file and not keep_file:
                upload.file.delete(save=True)
            if keep_file and not upload.file:
                upload.file.save(upload.original_name or "export", ContentFile(data))
    except IntegrityError:
        # The same file sent twice at once: the other request keeps it.
        upload = MeterUpload.objects.get(idempotency_key=key)
        if upload.status in SENT_STATUSES:
            raise MeterFileAlreadyStored(upload) from None
    return upload


def _send_upload(upload: MeterUpload) -> dict:
    return scoring.send_readings(
        upload.household,
        source=upload.source,
        daily=upload.readings.get("daily", []),
        hourly=upload.readings.get("hourly") or None,
        idempotency_key=upload.idempotency_key,
    )


def do_confirm_upload(member: Member | None, upload: MeterUpload) -> MeterUpload:
    """Store a previewed upload in the core: STORED with its answer, or QUEUED.

    The row is locked while it is sent, so a double click sends once; a
    confirmed upload is returned as it is. Raises MeterUploadError when it was
    cancelled or when the core refuses it (then it stays pending).
    """
    _require_household(member, upload.household_id)
    with transaction.atomic():
        locked = (
            MeterUpload.objects.select_for_update(of=("self",))
            .select_related("household")
            .get(pk=upload.pk)
        )
        if locked.status in SENT_STATUSES:
            return locked
        if locked.status == UploadStatus.REFUSED:
            raise MeterUploadError(
                _("Ce fichier a été refusé par le calcul des consommations : %(why)s")
                % {"why": locked.result.get("message", "")}
            )
        if locked.status != UploadStatus.PENDING:
            raise MeterUploadError(
                _("Ce fichier a été annulé : envoyez-le à nouveau pour l'enregistrer.")
            )
        try:
            answer = _send_upload(locked)
        except scoring.ScoringUnavailable:
            # Kept with its body and key; sent later, once.
            locked.status = UploadStatus.QUEUED
            locked.save(update_fields=["status"])
            return locked
        except scoring.ScoringError as error:
            raise MeterUploadError(
                _("Le fichier n'a pas pu être enregistré : %(reason)s")
                % {"reason": error.message}
            ) from None
        locked.status = UploadStatus.STORED
        locked.result = answer
        locked.stored_at = timezone.now()
        locked.save(update_fields=["status", "result", "stored_at"])
    # The core answers: send what the household confirmed while it did not.
    send_pending_readings(locked.household, limit=PENDING_BATCH)
    return locked


def do_cancel_upload(member: Member | None, upload: MeterUpload) -> None:
    """Drop a previewed upload: its values and any copy of the file are deleted."""
    _require_household(member, upload.household_id)
    with transaction.atomic():
        locked = MeterUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.status == UploadStatus.CANCELLED:
            return
        if locked.status != UploadStatus.PENDING:
            raise MeterUploadError(
                _("Ce fichier est déjà enregistré : il ne peut plus être annulé.")
            )
        locked.status = UploadStatus.CANCELLED
        locked.readings = {}
        locked.save(update_fields=["status", "readings"])
        if locked.file:
            locked.file.delete(save=True)


def do_forget_stale_previews(*, older_than: timedelta = STALE_PREVIEW) -> int:
    """Delete previews never confirmed nor cancelled: their values and any copy."""
    stale = MeterUpload.objects.filter(
        status=UploadStatus.PENDING, created_at__lt=timezone.now() - older_than
    )
    count = 0
    for upload in stale:
        with transaction.atomic():
            if upload.file:
                upload.file.delete(save=False)
            upload.delete()
        count += 1
    return count


# --- indexes -------------------------------------------------------------------


def _index_value(value: object) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise MeterIndexError(
            _("« %(value)s » n'est pas un index : tapez les chiffres du compteur.")
            % {"value": str(value)[:20]},
            field="value",
        ) from None
    if not number.is_finite() or number < 0:
        raise MeterIndexError(_("Un index est un nombre positif."), field="value")
    if number > MAX_INDEX:
        raise MeterIndexError(_("Cet index est trop grand."), field="value")
    if number != number.quantize(Decimal("0.001")):
        raise MeterIndexError(
            _("Un index a au plus trois chiffres après la virgule."), field="value"
        )
    return number


def _index_day(read_on: object) -> date:
    if not isinstance(read_on, date):
        try:
            read_on = date.fromisoformat(str(read_on))
        except ValueError:
            raise MeterIndexError(
                _("Date de relevé illisible."), field="read_on"
            ) from None
    today = timezone.localdate()
    if read_on > today:
        raise MeterIndexError(
            _("La date du relevé ne peut pas être dans le futur."), field="read_on"
        )
    if read_on < today - timedelta(days=OLDEST_INDEX_DAYS):
        raise MeterIndexError(
            _("Ce relevé a plus de cinq ans : il n'est plus pris en compte."),
            field="read_on",
        )
    return read_on


def _check_author(
    member: Member | None, household: Household, assisted_by: AmbassadorScope | None
) -> None:
    if assisted_by is None:
        if member is None:
            raise PermissionDenied
        _require_household(member, household.pk)
        return
    if not assisted_by.covers(household.neighbourhood):
        raise MeterIndexError(
            _(
                "Ce quartier n'est pas l'un des vôtres : vous ne pouvez agir que dans "
                "les quartiers de votre page d'ambassadeur. Rien n'a été enregistré."
            )
        )


def check_add_index(
    member: Member | None,
    household: Household,
    *,
    meter_kind: str,
    read_on: date,
    value: Decimal | str,
    new_meter: bool | None = None,
    assisted_by: AmbassadorScope | None = None,
) -> MeterIndex:
    """Store a meter index and send the consumption it gives, spread and estimated.

    The consumption since the previous index is spread evenly over the days
    between (and, for an index typed between two, up to the next one). The
    first index of a meter sends nothing. Lower than the previous index:
    raises IndexNeedsConfirmation unless `new_meter` answers (True: a new
    meter, consumption restarts from this index; False: refused). An
    ambassador types for a household of their neighbourhoods with
    `assisted_by` (their scope); the index is then marked assisted and audited.
    """
    _check_author(member, household, assisted_by)
    if meter_kind not in MeterKind.values:
        raise MeterIndexError(_("Choisissez un compteur."), field="meter_kind")
    number = _index_value(value)
    day = _index_day(read_on)
    author = assisted_by.user if assisted_by is not None else member.user
    with transaction.atomic():
        # One household's indexes are typed one at a time: previous and next
        # are read, and the new row written, under this lock.
        Household.objects.select_for_update().only("pk").get(pk=household.pk)
        indexes = MeterIndex.objects.filter(household=household, meter_kind=meter_kind)
        same = indexes.filter(read_on=day).first()
        if same is not None:
            if same.value == number:
                return same  # the same form sent twice
            raise MeterIndexError(
                _("Un index est déjà enregistré pour ce jour (%(value)s).")
                % {"value": same.value},
                field="read_on",
            )
        previous = indexes.filter(read_on__lt=day).order_by("-read_on").first()
        following = indexes.filter(read_on__gt=day).order_by("read_on").first()
        restart = previous is not None and number < previous.value
        if restart and new_meter is None:
            raise IndexNeedsConfirmation(previous, number)
        if restart and new_meter is False:
            raise MeterIndexError(
                _(
                    "Sans changement de compteur, un index ne peut pas baisser : "
                    "vérifiez les chiffres relevés (%(value)s, contre %(last)s le "
                    "%(date)s). Rien n'a été enregistré."
                )
                % {
                    "value": number,
                    "last": previous.value,
                    "date": previous.read_on.strftime("%d/%m/%Y"),
                },
                field="value",
            )
        if following is not None and not following.new_meter:
            if following.value < number:
                raise MeterIndexError(
                    _(
                        "Cet index est plus haut que celui relevé ensuite, le "
                        "%(date)s (%(value)s) : vérifiez les chiffres. Rien n'a "
                        "été enregistré."
                    )
                    % {
                        "date": following.read_on.strftime("%d/%m/%Y"),
                        "value": following.value,
                    },
                    field="value",
                )
        daily = []
        if previous is not None and not restart:
            daily += spread_index(
                meter_kind, previous.read_on, previous.value, day, number
            )
        if following is not None and not following.new_meter:
            daily += spread_index(
                meter_kind, day, number, following.read_on, following.value
            )
        body = ParsedFile(
            source=ReadingSource.INDEX,
            meter_kind=meter_kind,
            meter_id="",
            daily=daily,
            hourly=[],
            first_day=day,
            last_day=day,
        ).readings_body()
        index = MeterIndex.objects.create(
            household=household,
            meter_kind=meter_kind,
            read_on=day,
            value=number,
            new_meter=restart,
            entered_by=author,
            assisted=assisted_by is not None,
            idempotency_key=uuid.uuid4().hex,
            readings={"daily": body["daily"]},
            # Nothing to send (a first index, a new meter): nothing waits.
            sent_at=None if daily else timezone.now(),
        )
        if assisted_by is not None:
            AuditEntry.objects.create(
                actor=assisted_by.user,
                kind=AuditKind.ACTION_LOGGED,
                household=household,
                household_public_id=household.public_id,
                detail={
                    "action": "meter_index",
                    "meter_kind": meter_kind,
                    "read_on": day.isoformat(),
                    "value": str(number),
                    "new_meter": restart,
                },
            )
        if daily:
            try:
                _send_index(index)
            except scoring.ScoringUnavailable:
                return index  # kept unsent, sent later with the same key
            except scoring.ScoringError as error:
                raise MeterIndexError(
                    _("L'index n'a pas pu être enregistré : %(reason)s")
                    % {"reason": error.message}
                ) from None
            index.sent_at = timezone.now()
            index.save(update_fields=["sent_at"])
    if daily:
        send_pending_readings(household, limit=PENDING_BATCH)
    return index


def _send_index(index: MeterIndex) -> dict:
    return scoring.send_readings(
        index.household,
        source=ReadingSource.INDEX,
        daily=index.readings.get("daily", []),
        idempotency_key=index.idempotency_key,
    )


# --- the queue -----------------------------------------------------------------

SENT = "sent"
REFUSED = "refused"
UNAVAILABLE = "unavailable"


def _send_one_upload(household: Household | None) -> str | None:
    """Send the oldest queued upload: what happened, or None when none is left."""
    with transaction.atomic():
        queue = MeterUpload.objects.select_for_update(
            skip_locked=True, of=("self",)
        ).filter(status=UploadStatus.QUEUED)
        if household is not None:
            queue = queue.filter(household=household)
        row = queue.select_related("household").order_by("created_at", "pk").first()
        if row is None:
            return None
        try:
            answer = _send_upload(row)
        except scoring.ScoringUnavailable:
            return UNAVAILABLE
        except scoring.ScoringError as error:
            logger.warning("queued upload %s refused by the core: %s", row.pk, error)
            row.status = UploadStatus.REFUSED
            row.result = {"refused": error.code, "message": error.message[:300]}
            row.save(update_fields=["status", "result"])
            return REFUSED
        row.status = UploadStatus.STORED
        row.result = answer
        row.stored_at = timezone.now()
        row.save(update_fields=["status", "result", "stored_at"])
        return SENT


def _send_one_index(household: Household | None) -> str | None:
    """Send the oldest unsent index: what happened, or None when none is left."""
    with transaction.atomic():
        queue = MeterIndex.objects.select_for_update(
            skip_locked=True, of=("self",)
        ).filter(sent_at__isnull=True)
        if household is not None:
            queue = queue.filter(household=household)
        row = queue.select_related("household").order_by("created_at", "pk").first()
        if row is None:
            return None
        try:
            _send_index(row)
        except scoring.ScoringUnavailable:
            return UNAVAILABLE
        except scoring.ScoringError as error:
            logger.warning("queued index %s refused by the core: %s", row.pk, error)
            row.refusal = error.message[:300]
            outcome = REFUSED
        else:
            outcome = SENT
        row.sent_at = timezone.now()
        row.save(update_fields=["sent_at", "refusal"])
        return outcome


def send_pending_readings(
    household: Household | None = None, *, limit: int | None = None
) -> int:
    """Send queued uploads, then unsent indexes, oldest first; the number sent.

    Does nothing while the core's breaker is open, and stops at the first
    unavailable answer (one timeout at most). `FOR UPDATE SKIP LOCKED` keeps
    two senders (the cron command, the household's page) off the same row,
    and each row is sent with the body and key of its first try.
    """
    if scoring.breaker_open():
        return 0
    sent = tried = 0
    for send_one in (_send_one_upload, _send_one_index):
        while limit is None or tried < limit:
            outcome = send_one(household)
            if outcome is None:
                break
            if outcome == UNAVAILABLE:
                return sent
            tried += 1
            sent += outcome == SENT
    return sent

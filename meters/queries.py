"""Reads of the meters app that check who may see what."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from community.models import Household, Member
from meters.models import MeterIndex, MeterKind, MeterUpload, UploadStatus

RECENT = 10


def access_upload(member: Member, upload_id: object) -> MeterUpload:
    """The member's household's upload; Http404 for anyone else's or none."""
    if member is None or member.household_id is None:
        raise Http404
    try:
        return MeterUpload.objects.select_related("household").get(
            pk=upload_id, household_id=member.household_id
        )
    except (MeterUpload.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def meter_overview(household: Household) -> dict:
    """« Mes compteurs »: last index and last file per meter, recent rows, queue.

    Seven queries whatever the history; the uploads' readings (a year of load
    curve is ~9,000 hours) are not loaded.
    """
    last_index = {}
    latest = MeterIndex.objects.filter(household=household).select_related("entered_by")
    for kind in MeterKind.values:
        found = latest.filter(meter_kind=kind).order_by("-read_on").first()
        if found is not None:
            last_index[kind] = found
    uploads = list(
        MeterUpload.objects.filter(household=household)
        .exclude(status=UploadStatus.CANCELLED)
        .defer("readings")
        .select_related("uploaded_by")
        .order_by("-created_at")[:RECENT]
    )
    last_upload: dict[str, MeterUpload] = {}
    for upload in uploads:
        if upload.status in (UploadStatus.STORED, UploadStatus.QUEUED):
            last_upload.setdefault(upload.meter_kind, upload)
    indexes = list(
        latest.defer("readings").order_by("-read_on", "-created_at")[:RECENT]
    )
    queued = (
        MeterUpload.objects.filter(
            household=household, status=UploadStatus.QUEUED
        ).count()
        + MeterIndex.objects.filter(household=household, sent_at__isnull=True).count()
    )
    return {
        "last_index": last_index,
        "last_upload": last_upload,
        "uploads": uploads,
        "indexes": indexes,
        "queued": queued,
    }


def household_uploads(household: Household) -> list[MeterUpload]:
    """Every upload of a household but the cancelled ones (« Mes données »)."""
    return list(
        MeterUpload.objects.filter(household=household)
        .filter(~Q(status=UploadStatus.CANCELLED))
        .order_by("created_at")
    )

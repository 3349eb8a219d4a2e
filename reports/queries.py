"""Reads of reports that check who is asking."""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from community.models import TownPage
from reports import geo
from reports.access import can_work_reports
from reports.models import (
    OPEN_STATES,
    ModerationState,
    Report,
    ReportCategory,
    ReportUpdate,
)


def town_categories(town: TownPage) -> QuerySet[ReportCategory]:
    """The categories a resident may choose in this town."""
    return ReportCategory.objects.filter(town=town, active=True)


def visible_reports(town: TownPage) -> QuerySet[Report]:
    """A town's reports as residents see them (hidden ones left out)."""
    return (
        Report.objects.filter(town=town, moderation_state=ModerationState.PUBLISHED)
        .select_related("category")
        .order_by("-created_at", "-id")
    )


def access_report(user, town: TownPage, report_id: object) -> Report:
    """A report of this town the viewer may see; Http404 otherwise (a hidden
    report stays visible to the town's staff)."""
    try:
        pk = int(report_id)
    except (TypeError, ValueError):
        raise Http404 from None
    report = (
        Report.objects.select_related("category", "author", "duplicate_of")
        .filter(pk=pk, town=town)
        .first()
    )
    if report is None or (report.hidden and not can_work_reports(user, town.pk)):
        raise Http404
    return report


def timeline(report: Report) -> QuerySet[ReportUpdate]:
    return report.updates.select_related("author").order_by("created_at", "id")


def nearby(
    town: TownPage,
    category: ReportCategory,
    latitude: float,
    longitude: float,
    *,
    limit: int = 10,
) -> list[Report]:
    """Reports of the same category within REPORT_NEARBY_METRES of the point
    in the last REPORT_NEARBY_DAYS days that are still open (« moi aussi » and
    precisions are taken on open reports only), nearest first: what a resident
    should see before filing a duplicate. One indexed query."""
    config = settings.SMARTCITIZEN
    radius = config["REPORT_NEARBY_METRES"]
    south, west, north, east = geo.box(latitude, longitude, radius)
    since = timezone.now() - timedelta(days=config["REPORT_NEARBY_DAYS"])
    candidates = visible_reports(town).filter(
        category=category,
        state__in=OPEN_STATES,
        created_at__gte=since,
        latitude__range=(south, north),
        longitude__range=(west, east),
    )[:200]
    found = [
        (geo.distance_m(latitude, longitude, r.latitude, r.longitude), r)
        for r in candidates
    ]
    found = [(d, r) for d, r in found if d <= radius]
    found.sort(key=lambda pair: pair[0])
    for distance, report in found:
        report.distance_m = round(distance)
    return [report for _d, report in found[:limit]]

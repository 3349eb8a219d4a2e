"""Figures of the moderators' Wagtail dashboard panel: a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from wagtail.models import WorkflowState

from ambassadors import coverage
from challenges.models import ChallengePage
from community.models import Household, Neighbourhood
from moderation.models import OPEN_STATES, Appeal, AppealState, ReportGroup


@dataclass
class Figures:
    open_reports: int
    hidden_pending: int
    pending_appeals: int
    new_households: int
    coverage_signed_up: int
    coverage_target: int
    coverage_active: int
    active_challenges: int
    pending_tips: int


def figures() -> Figures:
    """Every figure of the panel; counts only, never one query per row."""
    today = timezone.localdate()
    open_groups = ReportGroup.objects.filter(state__in=OPEN_STATES)
    rows = coverage.by_neighbourhood(Neighbourhood.objects.all())
    return Figures(
        open_reports=open_groups.count(),
        hidden_pending=open_groups.filter(state="hidden_pending").count(),
        pending_appeals=Appeal.objects.filter(state=AppealState.PENDING).count(),
        new_households=Household.objects.filter(
            created_at__gte=timezone.now() - timedelta(days=7)
        ).count(),
        coverage_signed_up=sum(row.signed_up for row in rows),
        coverage_target=sum(row.target for row in rows),
        coverage_active=sum(row.active for row in rows),
        active_challenges=ChallengePage.objects.live()
        .filter(start_date__lte=today, end_date__gte=today)
        .count(),
        pending_tips=WorkflowState.objects.filter(
            status=WorkflowState.STATUS_IN_PROGRESS,
            content_type__app_label="tips",
            content_type__model="tippage",
        ).count(),
    )

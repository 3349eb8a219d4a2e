"""Figures of the moderators' Wagtail dashboard panel: a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.models import Page, WorkflowState

from ambassadors import coverage
from challenges.models import ChallengePage
from community.admin_towns import pages_in_towns
from community.models import Household, Neighbourhood, TownPage
from community.roles import scope_to_towns
from moderation import queries
from moderation.models import OPEN_STATES


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


def figures(user, town: TownPage | None = None) -> Figures:
    """Every figure of the panel, over the towns the user moderates (only
    `town`, one of them, when given: the admin home's « Commune » choice);
    counts only, never one query per row (nor per town)."""
    today = timezone.localdate()
    open_groups = queries.queue(user).filter(state__in=OPEN_STATES)
    appeals = queries.pending_appeals(user)
    households = scope_to_towns(
        Household.objects.filter(created_at__gte=timezone.now() - timedelta(days=7)),
        user,
        field="neighbourhood__town",
    )
    neighbourhoods = scope_to_towns(Neighbourhood.objects.all(), user)
    challenges = pages_in_towns(
        ChallengePage.objects.live().filter(start_date__lte=today, end_date__gte=today),
        user,
    )
    pages = pages_in_towns(Page.objects.all(), user)
    if town is not None:
        open_groups = open_groups.filter(town=town)
        appeals = appeals.filter(member__town=town)
        households = households.filter(neighbourhood__town=town)
        neighbourhoods = neighbourhoods.filter(town=town)
        challenges = challenges.descendant_of(town)
        pages = pages.descendant_of(town)
    rows = coverage.by_neighbourhood(neighbourhoods)
    return Figures(
        open_reports=open_groups.count(),
        hidden_pending=open_groups.filter(state="hidden_pending").count(),
        pending_appeals=appeals.count(),
        new_households=households.count(),
        coverage_signed_up=sum(row.signed_up for row in rows),
        coverage_target=sum(row.target for row in rows),
        coverage_active=sum(row.active for row in rows),
        active_challenges=challenges.count(),
        pending_tips=WorkflowState.objects.filter(
            status=WorkflowState.STATUS_IN_PROGRESS,
            content_type__app_label="tips",
            content_type__model="tippage",
            object_id__in=pages.annotate(text_id=Cast("pk", CharField())).values(
                "text_id"
            ),
        ).count(),
    )

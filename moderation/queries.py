"""Permission-checked reads of moderation: the queue, a case, a member's history."""

from django.db.models import QuerySet
from django.http import Http404

from common import kinds
from community.models import Member
from community.roles import scope_to_towns
from moderation.models import Appeal, AppealState, Decision, Report, ReportGroup

HISTORY_SIZE = 20


def has_reported(member: Member, kind: str, object_id: int) -> bool:
    return Report.objects.filter(
        reporter=member, kind=kind, object_id=object_id
    ).exists()


def access_own_decision(member: Member, decision_id: int) -> Decision:
    """A decision about the member, or 404 (the same as an unknown id)."""
    decision = Decision.objects.filter(pk=decision_id, member=member).first()
    if decision is None:
        raise Http404
    return decision


def queue(user) -> QuerySet[ReportGroup]:
    """The queue's rows of the towns the user moderates, with what the list
    shows, in one query (all towns for a superuser)."""
    return scope_to_towns(
        ReportGroup.objects.select_related("author", "neighbourhood", "town"), user
    )


def decisions(user) -> QuerySet[Decision]:
    """The audit log of the towns the user moderates, by the concerned
    member's town (a decision whose member was erased: superusers only)."""
    return scope_to_towns(
        Decision.objects.select_related("member", "moderator"),
        user,
        field="member__town",
    )


def reports_of(group: ReportGroup) -> list[Report]:
    return list(group.reports.select_related("reporter").order_by("created_at"))


def author_history(member: Member | None) -> dict:
    """What the queue shows of an author: their rows of each content kind that
    counts them (`common.kinds`), past decisions, sanctions."""
    if member is None:
        return {}
    return {
        "member": member,
        "authored": [
            (kind.label, *kind.authored(member))
            for kind in kinds.all_kinds()
            if kind.authored is not None
        ],
        "reported": ReportGroup.objects.filter(author=member).count(),
        "decisions": list(
            Decision.objects.filter(member=member)
            .select_related("moderator")
            .order_by("-created_at")[:HISTORY_SIZE]
        ),
    }


def appeals(user) -> QuerySet[Appeal]:
    """The appeals of the members of the towns the user moderates."""
    return scope_to_towns(
        Appeal.objects.select_related("member", "decision"), user, field="member__town"
    )


def pending_appeals(user) -> QuerySet[Appeal]:
    return appeals(user).filter(state=AppealState.PENDING)

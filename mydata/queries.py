"""Reads of the mydata app, each checking who asks."""

from uuid import UUID

from django.contrib.auth.models import User
from django.http import Http404

from community import roles
from community.models import Member
from mydata.models import DataExport


def member_exports(member: Member, limit: int = 10) -> list[DataExport]:
    """A member's latest exports, newest first (1 query)."""
    return list(member.data_exports.order_by("-requested_at")[:limit])


def access_export(member: Member, export_id: UUID) -> DataExport:
    """The member's own export; anyone else's answers 404, as a missing one does."""
    export = DataExport.objects.filter(pk=export_id, member=member).first()
    if export is None:
        raise Http404
    return export


def is_research_exporter(user: User) -> bool:
    """Moderators of a town (and superusers) download the research export;
    what it holds is scoped to their towns by the export itself."""
    if not user.is_authenticated or not user.is_active:
        return False
    return roles.holds_anywhere(user, roles.Role.MODERATOR, roles.Role.TOWN_ADMIN)

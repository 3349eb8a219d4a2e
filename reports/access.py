"""Who may read and work a town's reports (the permission checks of views,
the real-time stream and the actions)."""

from django.contrib.auth.models import AnonymousUser, User

from community import roles
from community.models import Role

# The staff who work reports: the town's services, its moderators and admins.
WORKERS = (Role.SERVICE, Role.MODERATOR, Role.TOWN_ADMIN)


def can_work_reports(user: User | AnonymousUser, town_id: int) -> bool:
    """Change a report's state, mark it a duplicate: the town's staff."""
    return roles.has_role(user, town_id, *WORKERS)


def shows_author(viewer: User | AnonymousUser, report) -> bool:
    """Whether the viewer sees who reported: never through the API; on the
    site, the town's staff always, residents unless the author hid it."""
    if report.author_id is None:
        return False
    if can_work_reports(viewer, report.town_id):
        return True
    return not report.anonymous and viewer.is_authenticated

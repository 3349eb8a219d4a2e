"""A member's proposal of a page (a tip, an event, a video): a draft under its
index, submitted to the town's moderation workflow (Wagtail's, whose tasks
point at the town's moderators: docs/architecture.md « Roles »)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, Workflow

from community.models import Member


def check_open_workflow(index: Page) -> Workflow:
    """The workflow proposals under `index` go through, or a refusal."""
    workflow = index.get_workflow()
    if workflow is None:
        raise ValidationError(
            _("Les propositions sont fermées : aucun circuit de modération."),
            code="no_workflow",
        )
    return workflow


def do_submit_draft(
    member: Member, index: Page, page: Page, workflow: Workflow
) -> None:
    """Add `page` (not live) under `index`, save its first revision as the
    member's and start the workflow on it, in one transaction."""
    with transaction.atomic():
        index.add_child(instance=page)
        page.save_revision(user=member.user, log_action=True)
        workflow.start(page, member.user)

"""Wagtail's workflow signals, turned into notifications for a video's author."""

from wagtail.models import WorkflowState
from wagtail.signals import workflow_approved, workflow_rejected


def on_workflow_approved(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    from localtv.actions import do_notify_author_of_review

    do_notify_author_of_review(instance, user, approved=True)


def on_workflow_rejected(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    from localtv.actions import do_notify_author_of_review

    do_notify_author_of_review(instance, user, approved=False)


def connect() -> None:
    workflow_approved.connect(
        on_workflow_approved, sender=WorkflowState, dispatch_uid="localtv_approved"
    )
    workflow_rejected.connect(
        on_workflow_rejected, sender=WorkflowState, dispatch_uid="localtv_rejected"
    )

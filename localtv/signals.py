"""Wagtail's workflow signals, turned into notifications for a video's author."""

from wagtail.models import WorkflowState
from wagtail.signals import workflow_approved, workflow_rejected


def on_review(
    sender, instance: WorkflowState, user=None, signal=None, **kwargs
) -> None:
    from localtv.actions import do_notify_author_of_review

    do_notify_author_of_review(instance, user, approved=signal is workflow_approved)


def connect() -> None:
    for signal in (workflow_approved, workflow_rejected):
        signal.connect(on_review, sender=WorkflowState, dispatch_uid="localtv_review")

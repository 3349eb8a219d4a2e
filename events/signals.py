"""A published event may have more places: the waiting list moves up. A
reviewed proposal: its organiser is told (Wagtail's workflow signals)."""

from django.dispatch import receiver
from wagtail.models import WorkflowState
from wagtail.signals import page_published, workflow_approved, workflow_rejected

from events.models import EventPage


@receiver(page_published, sender=EventPage)
def move_up_after_publication(sender, instance: EventPage, **kwargs) -> None:
    from events.actions import do_capacity_changed

    do_capacity_changed(instance)


@receiver(workflow_approved, sender=WorkflowState, dispatch_uid="events_approved")
def organiser_told_of_approval(sender, instance: WorkflowState, **kwargs) -> None:
    from events.actions import do_notify_organiser_of_review

    do_notify_organiser_of_review(instance, approved=True)


@receiver(workflow_rejected, sender=WorkflowState, dispatch_uid="events_rejected")
def organiser_told_of_rejection(sender, instance: WorkflowState, **kwargs) -> None:
    from events.actions import do_notify_organiser_of_review

    do_notify_organiser_of_review(instance, approved=False)

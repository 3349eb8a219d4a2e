"""A published event may have more places: the waiting list moves up."""

from django.dispatch import receiver
from wagtail.signals import page_published

from events.models import EventPage


@receiver(page_published, sender=EventPage)
def move_up_after_publication(sender, instance: EventPage, **kwargs) -> None:
    from events.actions import do_capacity_changed

    do_capacity_changed(instance)

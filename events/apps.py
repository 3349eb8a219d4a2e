from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Événements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from events import (
            map_layer,
            personal_data,
            signals,  # noqa: F401 - connects the receivers
        )

        personal_data.register_all()
        map_layer.register()
        post_migrate.connect(add_missing_indexes, sender=self)


def add_missing_indexes(sender, **kwargs) -> None:
    """Towns made before events existed get their « Événements » page."""
    from community.new_town import do_add_missing_indexes
    from events.models import EventIndexPage
    from events.wagtail_hooks import new_event_index

    do_add_missing_indexes(EventIndexPage, new_event_index)

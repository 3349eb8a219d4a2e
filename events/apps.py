from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Événements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from events import (
            personal_data,
            signals,  # noqa: F401 - connects the receivers
        )

        personal_data.register_all()

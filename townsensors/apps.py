from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TownSensorsConfig(AppConfig):
    name = "townsensors"
    verbose_name = _("Capteurs de la commune")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A town's sensors stream (their latest values): who reads its reports.
        from realtime import groups, streams

        streams.register(groups.SENSORS, streams.can_read_town_or_staff)

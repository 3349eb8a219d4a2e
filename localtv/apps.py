from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocaltvConfig(AppConfig):
    name = "localtv"
    verbose_name = _("La télé locale")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from localtv import signals

        signals.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocaltvConfig(AppConfig):
    name = "localtv"
    verbose_name = _("La télé locale")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from localtv import personal_data, signals

        signals.connect()
        # « Mes données » (common.kinds, localtv/personal_data.py).
        personal_data.register()

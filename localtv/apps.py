from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocaltvConfig(AppConfig):
    name = "localtv"
    verbose_name = _("La télé locale")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from localtv import kinds, personal_data, signals

        signals.connect()
        # Residents report published videos (common.kinds, localtv/kinds.py).
        kinds.register_all()
        # « Mes données » (common.kinds, localtv/personal_data.py).
        personal_data.register()

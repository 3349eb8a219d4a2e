from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "tips"
    verbose_name = _("Astuces")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tips import kinds, signals

        signals.connect()
        # Search, moderation and « Mes données » (common.kinds, tips/kinds.py).
        kinds.register_all()

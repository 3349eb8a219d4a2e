from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarpoolConfig(AppConfig):
    name = "carpool"
    verbose_name = _("Covoiturage")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The member's trips in « Mes données » (carpool/personal_data.py).
        from carpool import personal_data

        personal_data.register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarpoolConfig(AppConfig):
    name = "carpool"
    verbose_name = _("Covoiturage")
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridalertsConfig(AppConfig):
    name = "gridalerts"
    verbose_name = _("Alertes réseau")
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridalertsConfig(AppConfig):
    name = "gridalerts"
    verbose_name = _("Alertes réseau")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from common import kinds
        from gridalerts.personal_data import export_opt_in

        kinds.register_export(export_opt_in)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MydataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mydata"
    verbose_name = _("Mes données")

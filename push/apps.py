from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushConfig(AppConfig):
    name = "push"
    verbose_name = _("Notifications push")
    default_auto_field = "django.db.models.BigAutoField"

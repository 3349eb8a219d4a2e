from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"
    verbose_name = _("Ambassadeurs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ambassadors import kinds

        # The ambassador pages in search (ambassadors/kinds.py).
        kinds.register_all()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetersConfig(AppConfig):
    name = "meters"
    verbose_name = _("Compteurs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from meters import kinds

        # The household's meter data in « Mes données » (meters/kinds.py).
        kinds.register_all()

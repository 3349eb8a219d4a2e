from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferentsConfig(AppConfig):
    name = "referents"
    verbose_name = _("Référents et questions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from referents import kinds

        kinds.register_all()

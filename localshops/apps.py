from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalshopsConfig(AppConfig):
    name = "localshops"
    verbose_name = _("Commerces et producteurs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from localshops import kinds, map_layer

        kinds.register_all()
        map_layer.register()

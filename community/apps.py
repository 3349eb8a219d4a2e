from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Communauté")

    def ready(self) -> None:
        from community import signals, site_paths

        signals.connect(self)

        # Wagtail page URLs keep working while Redis is down (site_paths.py).
        site_paths.install()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo town (`manage.py seed_demo`): above every app, as it seeds them all."""

    name = "demo"
    verbose_name = _("Démo")

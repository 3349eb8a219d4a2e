from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The shared layer: rate limits, notifications, the content-kind registry.

    Domain-free: it knows members and towns (community) and the real-time
    transport, never a content app (docs/architecture.md, « Layers »).
    """

    name = "common"
    verbose_name = _("Commun")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The shared layer: rate limits, notifications, the content-kind registry.

    Domain-free: it knows members and towns (community) and the real-time
    transport, never a content app (docs/architecture.md, « Layers »).
    """

    name = "common"
    verbose_name = _("Commun")

    def ready(self) -> None:
        # Push sits below common (common.notify pushes): its part of « Mes
        # données » is registered from here.
        from common import kinds
        from push import personal_data

        kinds.register_export(
            personal_data.export_member,
            describes=(
                "- notifications_push.json : les appareils où vous recevez des "
                "notifications\n"
                "  (navigateur, dates) et ce qui leur est envoyé ;"
            ),
        )

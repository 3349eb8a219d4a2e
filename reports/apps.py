from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Signalements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A town's reports stream: its members and staff read it.
        from realtime import groups, streams
        from reports import kinds, moderation_kinds

        streams.register(groups.REPORTS, streams.can_read_town_or_staff)
        # The member's reports in « Mes données » (reports/kinds.py); reports
        # and residents' precisions in moderation (reports/moderation_kinds.py).
        kinds.register_all()
        moderation_kinds.register_all()

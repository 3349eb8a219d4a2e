from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = _("Temps réel")

    def ready(self) -> None:
        # The stream kinds that exist today; feeds and challenges register theirs
        # from their own AppConfig.ready() (see realtime/streams.py).
        from realtime import checks, streams  # noqa: F401  (checks register)

        streams.register_builtin_streams()

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LocaltvConfig(AppConfig):
    name = "localtv"
    verbose_name = _("La télé locale")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from localtv import kinds, personal_data, signals

        signals.connect()
        # Residents report published videos (common.kinds, localtv/kinds.py).
        kinds.register_all()
        # « Mes données » (common.kinds, localtv/personal_data.py).
        personal_data.register()
        post_migrate.connect(add_missing_channels, sender=self)


def add_missing_channels(sender, **kwargs) -> None:
    """Towns made before the local channel existed get its page."""
    from community.new_town import do_add_missing_indexes
    from localtv.models import ChannelPage
    from localtv.wagtail_hooks import new_channel

    do_add_missing_indexes(ChannelPage, new_channel)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "feeds"
    verbose_name = _("Fils et messages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # feeds owns chat rooms and direct conversations: it says who may read
        # their real-time streams.
        from feeds import access, kinds
        from realtime import groups, streams, viewers

        streams.register(groups.ROOM, access.can_read_room)
        streams.register(groups.DM, access.can_read_dm)
        # Posts, comments and messages for moderation, search and « Mes
        # données » (common.kinds, feeds/kinds.py).
        kinds.register_all()
        # Blocks and mutes are feeds': a connection drops the live events of
        # the members its viewer hides (docs/realtime.md).
        viewers.register(access.hidden_member_ids_of_user)

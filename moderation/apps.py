from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "moderation"
    verbose_name = _("Modération")

    def ready(self) -> None:
        from common import trust as trust_checks
        from moderation import items, trust

        # Members as reportable, and the chat messages moderation hid.
        items.register_all()
        # The checks feeds asks before a member writes (common/trust.py).
        trust_checks.register(trust, hide=_hide_as_moderator)


def _hide_as_moderator(user, kind: str, pk: int, reason: str):
    from moderation import actions, items

    return actions.do_hide(user, items.load(kind, pk), reason)

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from challenges.actions import do_send_pending_actions


class Command(BaseCommand):
    help = _(
        "Envoie au service des points les actions « J'ai agi » enregistrées "
        "pendant qu'il ne répondait pas (les plus anciennes d'abord, chacune "
        "avec sa clé : un nouvel envoi ne compte rien deux fois). À lancer par cron."
    )

    def handle(self, *args, **options) -> None:
        report = do_send_pending_actions()
        self.stdout.write(
            _("%(sent)d action(s) comptée(s), %(refused)d refusée(s).")
            % {"sent": report.sent, "refused": report.refused}
        )
        if report.unavailable:
            self.stdout.write(
                _(
                    "Le service des points ne répond pas : les autres actions "
                    "restent en attente."
                )
            )

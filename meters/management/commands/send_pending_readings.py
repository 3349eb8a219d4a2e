from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from meters.actions import do_forget_stale_previews, send_pending_readings
from meters.models import MeterIndex, MeterUpload, UploadStatus


class Command(BaseCommand):
    help = _(
        "Envoie au service de calcul les fichiers de compteur et les index "
        "confirmés pendant qu'il ne répondait pas (les plus anciens d'abord, "
        "chacun avec sa clé : un nouvel envoi n'enregistre rien deux fois). "
        "Oublie aussi les aperçus jamais confirmés depuis une semaine. "
        "À lancer par cron."
    )

    def handle(self, *args, **options) -> None:
        forgotten = do_forget_stale_previews()
        if forgotten:
            self.stdout.write(
                _("%(count)d aperçu(s) jamais confirmé(s) oublié(s).")
                % {"count": forgotten}
            )
        sent = send_pending_readings()
        self.stdout.write(_("%(sent)d envoi(s) enregistré(s).") % {"sent": sent})
        left = (
            MeterUpload.objects.filter(status=UploadStatus.QUEUED).count()
            + MeterIndex.objects.filter(sent_at__isnull=True).count()
        )
        if left:
            self.stdout.write(
                _(
                    "Le service de calcul ne répond pas : %(left)d envoi(s) "
                    "restent en attente."
                )
                % {"left": left}
            )

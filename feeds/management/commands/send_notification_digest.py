from django.core.management.base import BaseCommand

from feeds.digest import do_send_digests


class Command(BaseCommand):
    help = "Envoie le résumé quotidien des notifications par e-mail (à lancer 1×/jour)."

    def handle(self, *args, **options) -> None:
        sent = do_send_digests()
        self.stdout.write(f"{sent} e-mail(s) envoyé(s).")

from django.conf import settings
from django.core.management.base import BaseCommand

from ambassadors.actions import do_purge_visit_addresses


class Command(BaseCommand):
    help = (
        "Efface les adresses des visites (et les contacts notés) au-delà de la durée "
        "de conservation VISIT_ADDRESS_RETENTION_DAYS. À lancer chaque jour."
    )

    def handle(self, *args, **options) -> None:
        erased = do_purge_visit_addresses()
        days = settings.SMARTCITIZEN["VISIT_ADDRESS_RETENTION_DAYS"]
        self.stdout.write(
            f"{erased} adresse(s) de visite effacée(s) (conservation {days} j)."
        )

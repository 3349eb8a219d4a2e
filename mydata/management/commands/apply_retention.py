from django.core.management.base import BaseCommand

from mydata.actions.retention import do_apply_retention


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation : journal des événements temps réel, "
        "adresses des visites, notifications lues anciennes, archives « Mes "
        "données » expirées. À lancer chaque jour."
    )

    def handle(self, *args, **options) -> None:
        report = do_apply_retention()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{report.events} événement(s), "
                f"{report.visit_addresses} adresse(s) de visite, "
                f"{report.notifications} notification(s) lue(s), "
                f"{report.exports} archive(s) expirée(s) supprimé(s)."
            )

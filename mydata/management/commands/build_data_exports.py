from django.core.management.base import BaseCommand

from mydata.actions.exports import do_build_pending_exports


class Command(BaseCommand):
    help = (
        "Prépare les archives « Mes données » en attente, et reprend celles dont "
        "la préparation s'est interrompue. À lancer toutes les quelques minutes."
    )

    def handle(self, *args, **options) -> None:
        built, failed = do_build_pending_exports()
        if options["verbosity"] > 0:
            self.stdout.write(f"{built} archive(s) prête(s), {failed} en échec.")

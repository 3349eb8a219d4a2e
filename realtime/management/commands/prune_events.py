from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from realtime.actions import do_prune_events


class Command(BaseCommand):
    help = (
        "Supprime les événements temps réel plus anciens que la durée de rétention "
        "(SMARTCITIZEN['EVENT_RETENTION_DAYS'])."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Durée de rétention en jours (par défaut : le réglage).",
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        if days is None:
            days = settings.SMARTCITIZEN["EVENT_RETENTION_DAYS"]
        retention = days
        if retention < 0:
            raise CommandError("La durée de rétention ne peut pas être négative.")
        deleted = do_prune_events(retention)
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{deleted} événement(s) de plus de {retention} jour(s) supprimé(s)."
            )

"""`manage.py import_ecowatt [FILE_OR_URL] [--town SLUG|all]`: load the signal.

With a file or URL: that signal for the town (or every town: the signal is
national). Without: each town's own URL from its settings (« Alertes
réseau » in the admin). Any error in a signal changes nothing for it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from community.models import TownPage
from gridalerts.actions import do_import_signal
from gridalerts.ecowatt import MAX_BYTES, EcowattError, parse_signal
from gridalerts.fetch import fetch_signal
from gridalerts.models import GridAlertSettings


def read_source(source: str) -> bytes:
    """A URL's body or a file's bytes, size-capped."""
    if source.startswith(("http://", "https://")):
        return fetch_signal(source)
    path = Path(source)
    if not path.is_file():
        raise EcowattError([f"Fichier introuvable : {source}"])
    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


class Command(BaseCommand):
    help = "Importe le signal Ecowatt (fichier ou URL) ; deux fois le même : rien."

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", nargs="?", help="Fichier JSON ou URL.")
        parser.add_argument(
            "--town", default="all", help="Slug de la commune, ou « all »."
        )

    def handle(self, *args, source: str | None, town: str, **options) -> None:
        towns = TownPage.objects.order_by("pk")
        if town != "all":
            towns = towns.filter(slug=town)
            if not towns.exists():
                raise CommandError(f"Commune inconnue : {town}")
        if source is None:
            plan = [
                (config.town, config.source_url)
                for config in GridAlertSettings.objects.filter(town__in=towns)
                .exclude(source_url="")
                .select_related("town")
                .order_by("town_id")
            ]
        else:
            plan = [(each, source) for each in towns]
        failed = False
        bodies: dict[str, list] = {}
        for each, where in plan:
            try:
                if where not in bodies:
                    bodies[where] = parse_signal(read_source(where))
            except EcowattError as error:
                failed = True
                self.stderr.write(f"{each.slug} : {where} : {error}")
                continue
            report = do_import_signal(each, bodies[where], source=where)
            self.stdout.write(
                f"{each.slug} : {report.created} jours nouveaux, "
                f"{report.updated} modifiés, {report.unchanged} inchangés, "
                f"{len(report.launched)} défis flash lancés."
            )
        if failed:
            raise CommandError("Signal refusé : rien n'a changé pour lui.")

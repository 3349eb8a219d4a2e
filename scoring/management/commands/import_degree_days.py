from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from community.models import TownPage
from scoring.actions import do_import_degree_days
from scoring.degree_days import check_degree_days


class Command(BaseCommand):
    help = (
        "Importe les degrés-jours unifiés (DJU) d'une commune : CSV « date;DJU », "
        "décimales à la française acceptées. Une seule ligne invalide et rien "
        "n'est importé ; un jour déjà connu est remplacé."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--town", required=True, help=_("Commune : identifiant ou slug.")
        )
        parser.add_argument("file", type=Path, help=_("Fichier CSV date;DJU."))

    def handle(self, *args, town: str, file: Path, **options) -> None:
        found = TownPage.objects.filter(
            **({"pk": int(town)} if town.isdigit() else {"slug": town})
        ).first()
        if found is None:
            raise CommandError(_("Commune inconnue : %(town)s") % {"town": town})
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Lecture impossible de %(file)s : %(error)s")
                % {"file": file, "error": error}
            ) from error
        checked = check_degree_days(data)
        if checked.errors:
            for line, message in checked.errors:
                self.stderr.write(
                    _("ligne %(line)d : %(message)s")
                    % {"line": line, "message": message}
                )
            raise CommandError(
                _("%(count)d ligne(s) invalide(s) : rien n'a été importé.")
                % {"count": len(checked.errors)}
            )
        result = do_import_degree_days(found, checked.rows)
        first, last = min(checked.rows), max(checked.rows)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(town)s : %(days)d jours du %(first)s au %(last)s : "
                    "%(created)d nouveaux, %(updated)d modifiés, %(unchanged)d "
                    "inchangés."
                )
                % {
                    "town": found.title,
                    "days": len(checked.rows),
                    "first": first.isoformat(),
                    "last": last.isoformat(),
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            )
        )

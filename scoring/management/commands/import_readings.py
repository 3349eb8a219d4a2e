from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from scoring.actions import do_import_readings
from scoring.importer import check_readings
from scoring.signals import readings_imported


class Command(BaseCommand):
    help = (
        "Importe des relevés journaliers (CSV : household_id, date, metric, value "
        "[, unit]). Une seule ligne invalide et rien n'est importé ; réimporter "
        "le même fichier ne change rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("Fichier CSV (UTF-8)."))

    def handle(self, *args, file: Path, **options) -> None:
        try:
            # utf-8-sig: spreadsheets often start the file with a byte-order mark.
            with file.open(encoding="utf-8-sig", newline="") as handle:
                checked = check_readings(handle)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Lecture impossible de %(file)s : %(error)s")
                % {"file": file, "error": error}
            ) from error
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
        result = do_import_readings(checked.rows)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(rows)d relevés lus : %(created)d nouveaux, %(updated)d "
                    "modifiés, %(unchanged)d inchangés."
                )
                % {
                    "rows": len(checked.rows),
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            )
        )
        if result.created or result.updated:
            readings_imported.send(sender=self.__class__)

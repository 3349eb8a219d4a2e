import hashlib
from collections import defaultdict
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from community.models import Household
from scoring import client
from scoring.actions import ReadingRow
from scoring.importer import check_readings
from scoring.models import ReadingSource
from scoring.signals import readings_imported

# The contract takes at most this many daily values in one call.
CHUNK = 5000


def _daily(rows: list[ReadingRow]) -> list[dict]:
    return [
        {
            "date": row.date.isoformat(),
            "metric": row.metric,
            "value": str(row.value.quantize(Decimal("0.001"))),
            "estimated": False,
        }
        for row in rows
    ]


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
            content = file.read_bytes()
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
        counts = self._send(checked.rows, hashlib.sha256(content).hexdigest())
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(rows)d relevés lus : %(created)d nouveaux, %(updated)d "
                    "modifiés, %(unchanged)d inchangés."
                )
                % {"rows": len(checked.rows), **counts}
            )
        )
        if counts["created"] or counts["updated"]:
            readings_imported.send(sender=self.__class__)

    def _send(self, rows: list[ReadingRow], digest: str) -> dict[str, int]:
        """Send each household's rows through the contract, as the site does.

        One idempotency key per household and file content (and part of it,
        past CHUNK rows): the same file again is answered from the first
        import and stores nothing. Embedded, one transaction keeps the file
        all or nothing; a remote core gets one call per household, and a run
        cut short by an unavailable core is completed by running it again.
        """
        by_household: dict[int, list[ReadingRow]] = defaultdict(list)
        for row in rows:
            by_household[row.household_id].append(row)
        households = Household.objects.in_bulk(list(by_household))
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        try:
            with transaction.atomic() if client.is_embedded() else nullcontext():
                for pk, own in by_household.items():
                    household = households[pk]
                    for start in range(0, len(own), CHUNK):
                        part = own[start : start + CHUNK]
                        key = hashlib.sha256(
                            f"{household.public_id}:{digest}:{start}".encode()
                        ).hexdigest()
                        answer = client.send_readings(
                            household,
                            source=ReadingSource.CSV_IMPORT,
                            daily=_daily(part),
                            idempotency_key=f"csv-{key[:60]}",
                        )
                        if answer.get("replayed"):
                            counts["unchanged"] += len(part)
                            continue
                        counts["created"] += answer["days_created"]
                        counts["updated"] += answer["days_replaced"]
                        counts["unchanged"] += answer["days_unchanged"]
        except client.ScoringUnavailable as error:
            raise CommandError(
                _(
                    "Le service de calcul ne répond pas (%(reason)s) : relancez "
                    "la commande, les foyers déjà envoyés ne seront pas comptés "
                    "deux fois."
                )
                % {"reason": error.reason or client.unavailable_message()}
            ) from error
        except client.ScoringError as error:
            raise CommandError(
                _("Refusé par le service de calcul : %(message)s")
                % {"message": error.message}
            ) from error
        return counts

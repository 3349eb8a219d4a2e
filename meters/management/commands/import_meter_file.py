"""`manage.py import_meter_file --household <public id> FILE [--dry-run]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from community.models import Household
from meters import actions
from meters.errors import MeterFileError, MeterUploadError
from meters.models import MeterKind, UploadStatus
from meters.parsers import MAX_FILE_BYTES, parse_meter_file
from scoring.models import ReadingSource


def preview_lines(summary: dict) -> list[str]:
    """The preview as the upload page says it, one fact a line."""
    kind = MeterKind(summary["meter_kind"]).label
    source = ReadingSource(summary["source"]).label
    lines = [
        _("Compteur : %(kind)s, n° %(id)s")
        % {"kind": kind, "id": summary.get("meter_id") or "—"},
        _("Fichier : %(source)s") % {"source": source},
        _("Période : du %(first)s au %(last)s")
        % {"first": summary["first_day"], "last": summary["last_day"]},
        _("Jours : %(days)d (dont %(estimated)d estimé(s))")
        % {"days": summary["days"], "estimated": summary.get("estimated_days", 0)},
        _("Total : %(total)s %(unit)s")
        % {"total": summary["total"], "unit": summary["unit"]},
        _("Jours manquants ou incomplets : %(count)d")
        % {"count": summary["missing_days"]},
    ]
    if summary.get("missing_dates"):
        lines.append("  " + ", ".join(summary["missing_dates"]))
    if summary.get("hours"):
        lines.append(_("Heures : %(hours)d") % {"hours": summary["hours"]})
    if summary.get("replaced_days"):
        lines.append(
            _("Jours déjà enregistrés, remplacés : %(count)d")
            % {"count": summary["replaced_days"]}
        )
    return lines


class Command(BaseCommand):
    help = _(
        "Importe un export Enedis (Linky) ou GRDF (Gazpar) pour un foyer, comme "
        "l'envoi d'un fichier dans « Mes compteurs » : affiche l'aperçu, puis "
        "enregistre (rien avec --dry-run)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--household", required=True, help=_("identifiant public"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("aperçu seulement")
        )

    def handle(self, *args, **options) -> None:
        household = Household.objects.filter(public_id=options["household"]).first()
        if household is None:
            raise CommandError(
                _("Aucun foyer n'a l'identifiant %(id)s.")
                % {"id": options["household"]}
            )
        path: Path = options["file"]
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                data = path.open("rb").read(MAX_FILE_BYTES + 1)
            else:
                data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Fichier illisible : %(error)s") % {"error": error.strerror}
            ) from None
        try:
            if options["dry_run"]:
                summary = parse_meter_file(data).summary()
                upload = None
            else:
                upload = actions.check_preview_upload(
                    None, household, data=data, filename=path.name
                )
                summary = upload.summary
        except MeterFileError as error:
            raise CommandError(str(error)) from None
        for line in preview_lines(summary):
            self.stdout.write(line)
        if upload is None:
            self.stdout.write(_("Essai (--dry-run) : rien n'a été enregistré."))
            return
        try:
            upload = actions.do_confirm_upload(None, upload)
        except MeterUploadError as error:
            raise CommandError(error.message) from None
        if upload.status == UploadStatus.QUEUED:
            self.stdout.write(
                _(
                    "Le service de calcul ne répond pas : fichier en attente, "
                    "envoyé par send_pending_readings."
                )
            )
            return
        result = upload.result
        self.stdout.write(
            _(
                "Enregistré : %(created)s jour(s) ajouté(s), %(replaced)s "
                "remplacé(s), %(unchanged)s inchangé(s), %(hours)s heure(s)."
            )
            % {
                "created": result.get("days_created", 0),
                "replaced": result.get("days_replaced", 0),
                "unchanged": result.get("days_unchanged", 0),
                "hours": result.get("hours_stored", 0),
            }
        )

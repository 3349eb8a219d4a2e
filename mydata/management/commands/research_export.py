from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mydata.research import build_research_export


class Command(BaseCommand):
    help = (
        "Produit l'export de recherche (agrégats pseudonymisés par quartier et par "
        "semaine ISO, cases de moins de 5 foyers supprimées) dans un ZIP, et la "
        "table des pseudonymes des quartiers dans un fichier CSV séparé."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        stamp = timezone.localdate().isoformat()
        parser.add_argument("--weeks", type=int, default=12)
        parser.add_argument(
            "--output", default=f"recherche-{stamp}.zip", help="Le ZIP de l'export."
        )
        parser.add_argument(
            "--map-output",
            default=f"pseudonymes-quartiers-{stamp}.csv",
            help="La table des pseudonymes, à garder à part (jamais dans le ZIP).",
        )

    def handle(self, *args, weeks: int, output: str, map_output: str, **options):
        if not 1 <= weeks <= 104:
            raise CommandError("--weeks doit être compris entre 1 et 104.")
        zip_path, map_path = Path(output), Path(map_output)
        if zip_path.resolve() == map_path.resolve():
            raise CommandError(
                "L'export et la table des pseudonymes sont deux fichiers."
            )
        export = build_research_export(weeks)
        zip_path.write_bytes(export.zip_bytes())
        map_path.write_text(export.pseudonym_map_csv, encoding="utf-8")
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Export : {zip_path} ({len(export.rows)} ligne(s)). "
                f"Table des pseudonymes, à conserver à part : {map_path}."
            )

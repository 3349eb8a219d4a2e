from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from community.new_town import check_create_town, parse_neighbourhood
from community.towns import base_url


class Command(BaseCommand):
    help = (
        "Crée une commune : son site (nom d'hôte), ses pages, ses quartiers, ses "
        "textes de consentement, ses réglages et ses rôles."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--title", required=True, help="Nom de la commune.")
        parser.add_argument(
            "--hostname", required=True, help="Nom d'hôte, ex. lys.example.org."
        )
        parser.add_argument("--port", type=int, default=80)
        parser.add_argument(
            "--neighbourhood",
            action="append",
            default=[],
            metavar="NOM:FOYERS",
            help="Un quartier et ses foyers recensés ; répétez l'option.",
        )
        parser.add_argument(
            "--admin", default="", metavar="EMAIL", help="Administrateur de la commune."
        )

    def handle(self, *args, **options) -> None:
        try:
            town = check_create_town(
                title=options["title"],
                hostname=options["hostname"],
                port=options["port"],
                neighbourhoods=[
                    parse_neighbourhood(n) for n in options["neighbourhood"]
                ],
                admin_email=options["admin"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{town.title} créée : {base_url(town)}/ "
                f"({town.neighbourhoods.count()} quartiers)."
            )
        )

from django.core.management.base import BaseCommand, CommandError
from django.http.request import split_domain_port
from wagtail.models import Site

from community.apikeys import do_create_api_key
from community.models import ApiKeyPurpose, TownPage


class Command(BaseCommand):
    """Create a town's API key; the key alone goes to stdout (shown once)."""

    help = (
        "Crée une clé d'API Open311 pour une commune (par le nom d'hôte de son "
        "site) et l'affiche : elle ne sera plus jamais affichée."
    )
    purpose = ApiKeyPurpose.OPEN311

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--town",
            required=True,
            metavar="HÔTE",
            help="Nom d'hôte du site de la commune (ou hôte:port), ex. lys.fr.",
        )
        parser.add_argument("name", help="Qui utilise la clé, ex. « Appli Ma Rue ».")

    def handle(self, *args, **options) -> None:
        hostname, port = split_domain_port(options["town"])
        sites = Site.objects.filter(hostname=hostname)
        if port:
            sites = sites.filter(port=int(port))
        town = TownPage.objects.filter(pk__in=sites.values("root_page_id")).first()
        if town is None:
            raise CommandError(f"Aucune commune au nom d'hôte {options['town']}.")
        try:
            key, raw = do_create_api_key(town, self.purpose, options["name"])
        except ValueError as error:
            raise CommandError("La clé a besoin d'un nom.") from error
        self.stderr.write(
            f"Clé « {key.name} » ({key.get_purpose_display()}) créée pour "
            f"{town.title} ; copiez-la, elle ne sera plus affichée :"
        )
        self.stdout.write(raw)

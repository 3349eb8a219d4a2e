from django.core.management.base import BaseCommand

from community.models import Household, HouseholdStatus, TownPage
from demo.town import TOWN_TITLE, demo_town_exists, seed_demo_town
from meters.demo import write_demo_files


class Command(BaseCommand):
    help = "Charge la commune de démonstration ; une seconde fois ne change rien."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si une commune existe déjà.",
        )

    def handle(self, *args, if_empty: bool = False, **options) -> None:
        # Files to try « Mes compteurs » as Anne Martin, dated up to yesterday.
        for path in write_demo_files():
            if options.get("verbosity", 1):
                self.stdout.write(f"Fichier de compteur de démonstration : {path}")
        if demo_town_exists() or (if_empty and TownPage.objects.exists()):
            self.stdout.write(f"{TOWN_TITLE} : déjà chargée, rien à faire.")
            return
        town = seed_demo_town()
        households = Household.objects.filter(
            neighbourhood__town=town, status=HouseholdStatus.ACTIVE
        ).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{town.title} chargée : {town.neighbourhoods.count()} quartiers, "
                f"{households} foyers participants, {town.members.count()} membres."
            )
        )

from django.core.management.base import BaseCommand

from community.models import Household, HouseholdStatus, TownPage
from demo.locallife import seed_demo_local_life
from demo.reports import seed_demo_reports
from demo.sensors import seed_demo_sensors
from demo.town import (
    SECOND_TOWN_SLUG,
    TOWN_SLUG,
    TOWN_TITLE,
    demo_town_exists,
    seed_demo_town,
    seed_second_demo_town,
)
from meters.demo import write_demo_files


class Command(BaseCommand):
    help = (
        "Charge les deux communes de démonstration (Val-de-Lys et Rivemont) ; "
        "une seconde fois ne change rien."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si une autre commune que celles de la démonstration "
            "existe déjà.",
        )

    def handle(self, *args, if_empty: bool = False, **options) -> None:
        # Files to try « Mes compteurs » as Anne Martin, dated up to yesterday.
        for path in write_demo_files():
            if options.get("verbosity", 1):
                self.stdout.write(f"Fichier de compteur de démonstration : {path}")
        demo_slugs = (TOWN_SLUG, SECOND_TOWN_SLUG)
        if if_empty and TownPage.objects.exclude(slug__in=demo_slugs).exists():
            self.stdout.write("Une commune existe déjà : rien à faire.")
            return
        if demo_town_exists():
            # A database seeded before the second town (or the reports): add them.
            town = seed_second_demo_town()
            seed_demo_reports()
            self._sensors()
            demo_town = TownPage.objects.filter(slug=TOWN_SLUG).first()
            if demo_town is not None:
                seed_demo_local_life(demo_town)
            self.stdout.write(f"{TOWN_TITLE} : déjà chargée ; {town.title} présente.")
            return
        seed_demo_town()
        seed_demo_reports()
        self._sensors()
        for town in TownPage.objects.filter(slug__in=demo_slugs).order_by("pk"):
            households = Household.objects.filter(
                neighbourhood__town=town, status=HouseholdStatus.ACTIVE
            ).count()
            self.stdout.write(
                self.style.SUCCESS(
                    f"{town.title} chargée : {town.neighbourhoods.count()} quartiers, "
                    f"{households} foyers participants, {town.members.count()} "
                    "membres."
                )
            )

    def _sensors(self) -> None:
        """The demo town's sensors and three days of their values, once."""
        town = TownPage.objects.filter(slug=TOWN_SLUG).first()
        if town is not None and (count := seed_demo_sensors(town)):
            self.stdout.write(f"{town.title} : 12 capteurs, {count} mesures.")

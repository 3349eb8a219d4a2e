"""The demo town's editorial content: the action catalogue, tips and ambassadors.

Apart from demo/town.py because it reaches into the apps built on top of
the community (scoring, tips, ambassadors): seeding a whole town is the one place
where they meet.
"""

import math
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.images import ImageFile
from django.utils.text import slugify

from community.domains import Domain
from community.models import Household, Member, Neighbourhood, TownPage
from demo.pictures import CAPTIONS, SCENES, as_upload

# code, label, domain, difficulty (1-3), commitment
ACTIONS = [
    ("douche-courte", "Prendre des douches de 5 minutes", Domain.WATER, 1, "ongoing"),
    (
        "mousseur-robinet",
        "Poser des mousseurs sur les robinets",
        Domain.WATER,
        1,
        "one_off",
    ),
    ("chauffage-19", "Régler le chauffage à 19 °C", Domain.ENERGY, 2, "ongoing"),
    (
        "multiprise-coupure",
        "Couper les veilles avec une multiprise",
        Domain.ENERGY,
        1,
        "one_off",
    ),
    ("velo-courses", "Faire ses courses à vélo", Domain.TRANSPORT, 2, "monthly"),
    ("covoiturage", "Covoiturer pour aller au travail", Domain.TRANSPORT, 2, "monthly"),
    ("compost", "Composter ses déchets de cuisine", Domain.WASTE, 2, "ongoing"),
    ("vrac", "Acheter en vrac avec ses contenants", Domain.WASTE, 1, "monthly"),
    (
        "panier-local",
        "Prendre un panier de producteurs locaux",
        Domain.LOCAL_FOOD,
        1,
        "monthly",
    ),
    (
        "marche-local",
        "Faire son marché chez les producteurs",
        Domain.LOCAL_FOOD,
        1,
        "one_off",
    ),
]

# title, action code, summary, difficulty, €/year, kWh/year, litres/year, cost, steps
TIPS = [
    (
        "Un mousseur sur chaque robinet",
        "mousseur-robinet",
        "Un mousseur mélange de l'air à l'eau : le même confort, jusqu'à deux fois "
        "moins d'eau au robinet.",
        "easy",
        45,
        None,
        9000,
        10,
        ["Dévissez l'embout du robinet", "Vissez le mousseur", "Vérifiez le joint"],
    ),
    (
        "Des douches de cinq minutes",
        "douche-courte",
        "Un sablier de douche aide à tenir cinq minutes ; l'eau chaude économisée "
        "se voit sur la facture d'énergie aussi.",
        "easy",
        120,
        600,
        15000,
        5,
        ["Posez un sablier dans la douche", "Coupez l'eau pendant le savonnage"],
    ),
    (
        "Le chauffage à 19 °C",
        "chauffage-19",
        "Chaque degré en moins fait environ 7 % d'économie de chauffage.",
        "medium",
        180,
        1500,
        None,
        0,
        ["Réglez le thermostat à 19 °C le jour", "Descendez à 16 °C la nuit"],
    ),
    (
        "Le vélo pour les courses",
        "velo-courses",
        "Une sacoche ou une remorque, et la plupart des courses de la semaine se "
        "font à bicyclette.",
        "medium",
        250,
        None,
        None,
        60,
        ["Équipez le vélo d'un panier ou de sacoches", "Repérez un parcours calme"],
    ),
    (
        "Composter en appartement",
        "compost",
        "Un lombricomposteur tient sur un balcon et réduit d'un tiers la poubelle.",
        "medium",
        30,
        None,
        None,
        40,
        ["Procurez-vous un lombricomposteur", "Ajoutez épluchures et marc de café"],
    ),
    (
        "Un panier de producteurs du coin",
        "panier-local",
        "Des légumes de saison à quelques kilomètres, et des producteurs payés au "
        "juste prix.",
        "easy",
        None,
        None,
        None,
        0,
        ["Inscrivez-vous à l'AMAP du quartier", "Récupérez le panier chaque semaine"],
    ),
]

# action code → the tip's title and summary in English
TIPS_EN = {
    "mousseur-robinet": (
        "An aerator on every tap",
        "An aerator mixes air into the water: the same comfort, up to half as "
        "much water at the tap.",
    ),
    "douche-courte": (
        "Five-minute showers",
        "A shower timer helps keep to five minutes; the hot water saved shows on "
        "the energy bill too.",
    ),
    "chauffage-19": (
        "Heating at 19 °C",
        "Each degree less saves about 7 % of the heating.",
    ),
    "velo-courses": (
        "Shopping by bike",
        "Panniers or a trailer, and most of the week's shopping is done by bike.",
    ),
    "compost": (
        "Composting in a flat",
        "A worm composter fits on a balcony and cuts the bin by a third.",
    ),
    "panier-local": (
        "A basket from local growers",
        "Seasonal vegetables from a few kilometres away, and growers paid a fair "
        "price.",
    ),
}

# action code or domain → the scene of the tip's or challenge's picture
PICTURES = {
    "mousseur-robinet": "tap",
    "douche-courte": "tap",
    "chauffage-19": "thermostat",
    "velo-courses": "bike",
    "compost": "compost",
    "panier-local": "basket",
    Domain.WATER: "tap",
    Domain.WASTE: "compost",
    Domain.TRANSPORT: "bike",
    Domain.LOCAL_FOOD: "basket",
    Domain.ENERGY: "thermostat",
}

# ambassador e-mail → neighbourhood slugs covered
AMBASSADOR_AREAS = {
    "lea.ambassadrice@demo.smartcitizen.fr": ["centre-bourg", "bel-air"],
    "yanis.ambassadeur@demo.smartcitizen.fr": ["les-tilleuls", "le-moulin"],
    "ines.ambassadrice@demo.smartcitizen.fr": ["la-gare"],
    "tom.ambassadeur@demo.smartcitizen.fr": ["les-coteaux"],
}


def seed_demo_content(
    town: TownPage, now: datetime, resident_households: list[Household]
) -> None:
    """Catalogue, tips, challenges and ambassadors' pages of the demo town."""
    _create_catalogue()
    pictures: dict = {}  # scene → Wagtail image, shared by tips and challenges
    _create_tips(town, pictures)
    _create_challenges(town, now, pictures)
    _create_ambassador_pages(town)
    _create_readings(resident_households, now)


def _create_catalogue() -> None:
    from scoring.models import ActionType

    for code, label, domain, difficulty, commitment in ACTIONS:
        ActionType.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "domain": domain,
                "difficulty": difficulty,
                "commitment": commitment,
            },
        )


def scene_image(scene: str, cache: dict):
    """A Wagtail image of a drawn scene, made once per seed and scene."""
    from wagtail.images.models import Image

    if scene not in cache:
        image = Image(
            title=CAPTIONS[scene],
            description=CAPTIONS[scene],
            file=ImageFile(as_upload(SCENES[scene](), f"{scene}.jpg")),
        )
        image.save()
        cache[scene] = image
    return cache[scene]


def _create_tips(town: TownPage, pictures: dict) -> None:
    from tips.models import TipIndexPage, TipPage

    moderator = Member.objects.filter(
        town=town, user__username="claire.moderatrice@demo.smartcitizen.fr"
    ).first()
    index = TipIndexPage.objects.child_of(town).get()  # community.new_town
    for title, action, summary, level, eur, kwh, litres, cost, steps in TIPS:
        picture = scene_image(PICTURES[action], pictures)
        tip = index.add_child(
            instance=TipPage(
                title=title,
                slug=slugify(title),
                summary=summary,
                title_en=TIPS_EN[action][0],
                summary_en=TIPS_EN[action][1],
                domain=_action_domain(action),
                difficulty=level,
                savings_eur=eur,
                savings_kwh=kwh,
                savings_litres=litres,
                start_cost_eur=cost,
                body=[("image", picture), ("steps", steps)],
                author=moderator,
                action_code=action,
            )
        )
        tip.save_revision().publish()


def _action_domain(code: str) -> str:
    return next(domain for c, _, domain, _, _ in ACTIONS if c == code)


def _create_ambassador_pages(town: TownPage) -> None:
    from ambassadors.models import AmbassadorIndexPage, AmbassadorPage

    index = AmbassadorIndexPage.objects.child_of(town).get()  # community.new_town
    for email, slugs in AMBASSADOR_AREAS.items():
        user = User.objects.get(username=email)
        name = user.member.display_name.split(",")[0]
        page = index.add_child(
            instance=AmbassadorPage(
                title=name,
                slug=slugify(name),
                user=user,
                bio="En service civique pour un an, je passe vous voir chez vous.",
            )
        )
        page.neighbourhoods.set(Neighbourhood.objects.filter(town=town, slug__in=slugs))
        page.save_revision().publish()


def _create_challenges(town: TownPage, now: datetime, pictures: dict) -> None:
    from challenges.models import ChallengeIndexPage, ChallengePage
    from challenges.models.pages import GoalKind
    from scoring.models import ActionType

    index = ChallengeIndexPage.objects.child_of(town).get()  # community.new_town
    today = now.date()
    for title, domain, scope, area, teams, codes in CHALLENGES:
        challenge = index.add_child(
            instance=ChallengePage(
                title=title,
                slug=slugify(title),
                summary=CHALLENGE_SUMMARY,
                title_en=CHALLENGES_EN[title],
                summary_en="Five actions per household before the challenge ends.",
                domain=domain,
                image=scene_image(PICTURES[domain], pictures),
                start_date=today - timedelta(days=10),
                end_date=today + timedelta(days=50),
                scope=scope,
                neighbourhood=Neighbourhood.objects.filter(
                    town=town, slug=area
                ).first(),
                team_kind=teams,
                goal_kind=GoalKind.ACTIONS,
                goal_value=5,
                rules="<p>Chaque action déclarée compte une fois par jour.</p>",
            )
        )
        challenge.action_types.set(ActionType.objects.filter(code__in=codes))
        challenge.save_revision().publish()


CHALLENGE_SUMMARY = "Cinq gestes par foyer avant la fin du défi."
# title, domain, scope, neighbourhood, teams (households or neighbourhoods),
# action codes: one for the town and one running in each neighbourhood.
CHALLENGES = [
    (
        "L'hiver sans gaspiller l'eau",
        Domain.WATER,
        "town",
        None,
        "neighbourhood",
        ["douche-courte", "mousseur-robinet"],
    ),
    (
        "Zéro gaspi au Centre-Bourg",
        Domain.WASTE,
        "neighbourhood",
        "centre-bourg",
        "household",
        ["compost", "vrac"],
    ),
    (
        "Le mois du vélo aux Tilleuls",
        Domain.TRANSPORT,
        "neighbourhood",
        "les-tilleuls",
        "household",
        ["velo-courses", "covoiturage"],
    ),
    (
        "La Gare covoiture",
        Domain.TRANSPORT,
        "neighbourhood",
        "la-gare",
        "household",
        ["covoiturage", "velo-courses"],
    ),
    (
        "Le Moulin mange local",
        Domain.LOCAL_FOOD,
        "neighbourhood",
        "le-moulin",
        "household",
        ["panier-local", "marche-local"],
    ),
    (
        "Les Coteaux coupent les veilles",
        Domain.ENERGY,
        "neighbourhood",
        "les-coteaux",
        "household",
        ["multiprise-coupure", "chauffage-19"],
    ),
    (
        "Bel-Air à 19 °C",
        Domain.ENERGY,
        "neighbourhood",
        "bel-air",
        "household",
        ["chauffage-19", "douche-courte"],
    ),
]


CHALLENGES_EN = {
    "L'hiver sans gaspiller l'eau": "A winter without wasting water",
    "Zéro gaspi au Centre-Bourg": "Zero waste in Centre-Bourg",
    "Le mois du vélo aux Tilleuls": "Bike month in Les Tilleuls",
    "La Gare covoiture": "La Gare car-shares",
    "Le Moulin mange local": "Le Moulin eats local",
    "Les Coteaux coupent les veilles": "Les Coteaux switch off standby",
    "Bel-Air à 19 °C": "Bel-Air at 19 °C",
}


# Daily readings of the demo residents' households over 400 days, so that their
# dashboards have a baseline (the same period a year before) to compare with.
READING_DAYS = 400
# metric → (winter daily mean, summer daily mean)
READING_PROFILES = {
    "electricity_kwh": (11.0, 7.0),
    "gas_kwh": (38.0, 6.0),
    "water_l": (290.0, 330.0),
}


def _create_readings(households: list[Household], now: datetime) -> None:
    from scoring.actions import ReadingRow, do_import_readings

    today = now.date()
    rows = []
    for rank, household in enumerate(households):
        # This year a little lower than last year, more so for some households.
        effort = 0.04 * (rank + 1)
        for age in range(READING_DAYS):
            day = today - timedelta(days=age + 1)
            winter = (
                1 + math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)
            ) / 2
            this_year = age < 365
            for metric, (cold, warm) in READING_PROFILES.items():
                value = warm + (cold - warm) * winter
                value *= (1 - effort) if this_year else 1
                value *= 1 + 0.08 * math.sin(age * 1.7 + rank)
                rows.append(
                    ReadingRow(
                        household_id=household.pk,
                        metric=metric,
                        date=day,
                        value=Decimal(f"{value:.2f}"),
                    )
                )
    do_import_readings(rows)

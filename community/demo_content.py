"""The demo town's editorial content: the action catalogue, tips and ambassadors.

Apart from community/demo.py because it reaches into the apps built on top of
the community (scoring, tips, ambassadors): seeding a whole town is the one place
where they meet.
"""

import math
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils.text import slugify

from community.domains import Domain
from community.models import Household, Member, Neighbourhood, TownPage

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
    _create_tips(town)
    _create_challenges(town, now)
    _create_ambassador_pages(town)
    _create_readings(resident_households, now)
    _create_posts(town)


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


def _create_tips(town: TownPage) -> None:
    from tips.models import TipIndexPage, TipPage

    moderator = Member.objects.filter(
        town=town, user__username="claire.moderatrice@demo.smartcitizen.fr"
    ).first()
    index = town.add_child(
        instance=TipIndexPage(
            title="Astuces",
            slug="astuces",
            intro="<p>Ce qui marche chez vos voisins, vérifié par l'équipe.</p>",
        )
    )
    for title, action, summary, level, eur, kwh, litres, cost, steps in TIPS:
        tip = index.add_child(
            instance=TipPage(
                title=title,
                slug=slugify(title),
                summary=summary,
                domain=_action_domain(action),
                difficulty=level,
                savings_eur=eur,
                savings_kwh=kwh,
                savings_litres=litres,
                start_cost_eur=cost,
                body=[("steps", steps)],
                author=moderator,
                action_code=action,
            )
        )
        tip.save_revision().publish()


def _action_domain(code: str) -> str:
    return next(domain for c, _, domain, _, _ in ACTIONS if c == code)


def _create_ambassador_pages(town: TownPage) -> None:
    from ambassadors.models import AmbassadorIndexPage, AmbassadorPage

    index = town.add_child(
        instance=AmbassadorIndexPage(
            title="Ambassadeurs",
            slug="ambassadeurs",
            intro="Les jeunes en service civique qui accompagnent les foyers.",
        )
    )
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


def _create_challenges(town: TownPage, now: datetime) -> None:
    from challenges.models import ChallengeIndexPage, ChallengePage
    from challenges.models.pages import GoalKind, Scope, TeamKind
    from scoring.models import ActionType

    index = town.add_child(
        instance=ChallengeIndexPage(
            title="Défis",
            slug="defis",
            intro="<p>Des défis entre voisins : chaque geste compte pour l'équipe.</p>",
        )
    )
    today = now.date()
    challenges = [
        (
            "L'hiver sans gaspiller l'eau",
            Domain.WATER,
            Scope.TOWN,
            None,
            TeamKind.NEIGHBOURHOOD,
            ["douche-courte", "mousseur-robinet"],
        ),
        (
            "Le mois du vélo aux Tilleuls",
            Domain.TRANSPORT,
            Scope.NEIGHBOURHOOD,
            "les-tilleuls",
            TeamKind.HOUSEHOLD,
            ["velo-courses", "covoiturage"],
        ),
    ]
    for title, domain, scope, area, teams, codes in challenges:
        challenge = index.add_child(
            instance=ChallengePage(
                title=title,
                slug=slugify(title),
                summary="Cinq gestes par foyer avant la fin du défi.",
                domain=domain,
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


DEMO_POSTS = [
    (
        "anne.martin@demo.smartcitizen.fr",
        "Nous avons posé des mousseurs sur tous les robinets : 10 € la pièce, et "
        "la facture d'eau a déjà baissé. Qui veut essayer ?",
    ),
    (
        "samir.benali@demo.smartcitizen.fr",
        "Quelqu'un pour covoiturer vers la zone d'activités le matin ? Je pars de "
        "la gare vers 7 h 45.",
    ),
    (
        "lea.ambassadrice@demo.smartcitizen.fr",
        "Permanence ce samedi au marché de 10 h à 12 h : venez poser vos questions "
        "sur le programme !",
    ),
]


def _create_posts(town: TownPage) -> None:
    from feeds.actions import check_create_post

    for position, (email, body) in enumerate(DEMO_POSTS):
        author = Member.objects.get(town=town, user__username=email)
        check_create_post(author, body=body, client_key=f"demo-post-{position}")

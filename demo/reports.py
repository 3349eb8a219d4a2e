"""The demo towns' reports: categories with their services, a service agent of
Val-de-Lys, and reports in every state with their timelines (staff notes,
residents' precisions, « moi aussi », a duplicate pointing at the report kept).

Everything goes through reports' actions, as a resident and an agent would;
only timestamps are moved back afterwards. Idempotent: a town that has report
categories already is left as it is. Called from `seed_demo`.
"""

import io
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from community.actions import do_grant_role
from community.models import Member, Neighbourhood, Role, TownPage
from demo.rivemont import SLUG as RIVEMONT
from reports import actions
from reports.geo import has_bounds
from reports.models import Report, ReportCategory, ReportState, ReportUpdate

VAL_DE_LYS = "val-de-lys"
EMAIL_DOMAIN = "demo.smartcitizen.fr"
# Listed in README.md: Val-de-Lys's roads service; a demo password.
AGENT_EMAIL = f"agent.voirie@{EMAIL_DOMAIN}"
AGENT_PASSWORD = "demo-services-2026"  # noqa: S105 - a demo account, never a real site
AGENT_NAME = "Services techniques (voirie)"

# name, service code, description
CATEGORIES = [
    (
        "Éclairage public",
        "eclairage",
        "Lampadaire éteint, qui clignote ou reste allumé le jour.",
    ),
    (
        "Voirie / nids-de-poule",
        "voirie",
        "Trou, chaussée ou trottoir abîmé, plaque d'égout, marquage effacé.",
    ),
    (
        "Points de collecte / déchets",
        "dechets",
        "Conteneur plein ou cassé, point d'apport volontaire.",
    ),
    ("Propreté", "proprete", "Dépôt sauvage, tags, déjections."),
    (
        "Espaces verts",
        "espaces-verts",
        "Arbre dangereux, haie qui déborde, aire de jeux abîmée.",
    ),
    (
        "Mobilier urbain",
        "mobilier",
        "Banc, abribus, barrière ou panneau cassé.",
    ),
]
# The service that handles each code, per town.
SERVICES = {
    VAL_DE_LYS: {
        "eclairage": "Régie de l'éclairage public",
        "voirie": "Services techniques — voirie",
        "dechets": "Service déchets et propreté",
        "proprete": "Service déchets et propreté",
        "espaces-verts": "Service des espaces verts",
        "mobilier": "Services techniques — mobilier urbain",
    },
    RIVEMONT: {
        "eclairage": "Mairie de Rivemont — services techniques",
        "voirie": "Mairie de Rivemont — services techniques",
        "dechets": "Communauté de communes — collecte des déchets",
        "proprete": "Mairie de Rivemont — services techniques",
        "espaces-verts": "Mairie de Rivemont — services techniques",
        "mobilier": "Mairie de Rivemont — services techniques",
    },
}
# (south, west, north, east), map centre and zoom, set when the town has none.
MAPS = {
    VAL_DE_LYS: ((50.640, 2.840, 50.690, 2.910), (50.665, 2.875), 14),
    RIVEMONT: ((45.520, 4.700, 45.545, 4.740), (45.5325, 4.720), 15),
}
# Who changes the states in each town (an e-mail's local part).
STAFF = {VAL_DE_LYS: "agent.voirie", RIVEMONT: "rivemont.mairie"}


@dataclass(frozen=True)
class DemoReport:
    """A report and what happened to it: `steps` are (days after it was filed,
    what, detail) with what one of ReportState's values (detail: the staff's
    note), "me_too" (detail: how many neighbours), "note" (a neighbour's text)
    or "duplicate" (detail: (the key of the report kept, the note))."""

    key: str
    code: str
    neighbourhood: str
    days: int
    address: str
    description: str
    # A demo account's e-mail local part; "" for a neighbour of that area.
    author: str = ""
    anonymous: bool = False
    steps: tuple = ()
    photo: bool = False
    # False: filed with an address only (no map, no JavaScript).
    pinned: bool = True


REPORTS = {
    VAL_DE_LYS: [
        DemoReport(
            "lampadaire",
            "eclairage",
            "centre-bourg",
            25,
            "Rue de la République, devant le nº 14",
            "Le lampadaire est éteint depuis une semaine : la rue est très sombre "
            "le soir, on ne voit plus le passage piéton.",
            author="anne.martin",
            photo=True,
            steps=(
                (1, "me_too", 3),
                (
                    2,
                    ReportState.ACKNOWLEDGED,
                    "Ampoule et ballast commandés ; intervention prévue la semaine "
                    "prochaine.",
                ),
                (
                    9,
                    ReportState.RESOLVED,
                    "Lampadaire réparé mardi matin. Merci pour le signalement !",
                ),
            ),
        ),
        DemoReport(
            "nid-de-poule",
            "voirie",
            "la-gare",
            12,
            "Avenue de la Gare, à la sortie du parking",
            "Un nid-de-poule profond sur la voie de droite : les vélos font un "
            "écart au milieu de la circulation.",
            author="samir.benali",
            steps=(
                (1, "me_too", 5),
                (2, "note", "Il s'est agrandi avec la pluie de ce week-end."),
                (
                    3,
                    ReportState.ACKNOWLEDGED,
                    "Rebouchage provisoire cette semaine ; réfection de la chaussée "
                    "au printemps.",
                ),
            ),
        ),
        DemoReport(
            "nid-de-poule-bis",
            "voirie",
            "la-gare",
            10,
            "Avenue de la Gare, près du parking",
            "Grand trou sur la chaussée en sortant du parking de la gare.",
            steps=(
                (
                    1,
                    "duplicate",
                    (
                        "nid-de-poule",
                        "Déjà signalé : suivez le signalement conservé, vos "
                        "précisions y sont les bienvenues.",
                    ),
                ),
            ),
        ),
        DemoReport(
            "verre",
            "dechets",
            "les-tilleuls",
            6,
            "Point d'apport volontaire, rue des Tilleuls",
            "Le conteneur à verre déborde, des bouteilles sont posées par terre.",
            steps=(
                (0, "me_too", 2),
                (
                    1,
                    ReportState.ACKNOWLEDGED,
                    "Collecte supplémentaire demandée au prestataire pour jeudi.",
                ),
            ),
        ),
        DemoReport(
            "depot",
            "proprete",
            "le-moulin",
            3,
            "Chemin du Moulin, près du pont",
            "Dépôt sauvage : un matelas et des sacs de gravats au bord du chemin.",
            steps=((0, "me_too", 1),),
        ),
        DemoReport(
            "branche",
            "espaces-verts",
            "les-coteaux",
            40,
            "Parc des Coteaux, aire de jeux",
            "Une grosse branche cassée pend au-dessus du toboggan.",
            steps=(
                (
                    0,
                    ReportState.ACKNOWLEDGED,
                    "Aire de jeux fermée par sécurité ; élagage programmé.",
                ),
                (4, ReportState.RESOLVED, "Branche retirée, aire de jeux rouverte."),
            ),
        ),
        DemoReport(
            "abribus",
            "mobilier",
            "bel-air",
            18,
            "Abribus Bel-Air, ligne 2",
            "La vitre de l'abribus est brisée, il y a des éclats de verre au sol.",
            steps=(
                (
                    1,
                    ReportState.ACKNOWLEDGED,
                    "Éclats ramassés ; vitre commandée au fournisseur (environ trois "
                    "semaines).",
                ),
            ),
        ),
        DemoReport(
            "banc",
            "mobilier",
            "centre-bourg",
            30,
            "Place du Marché, sous la halle",
            "Un banc est descellé et bascule quand on s'assoit.",
            steps=(
                (
                    5,
                    ReportState.CLOSED,
                    "Ce banc appartient au marché couvert, géré par un prestataire : "
                    "nous lui avons transmis, il s'en charge.",
                ),
            ),
        ),
        DemoReport(
            "clignotants",
            "eclairage",
            "les-tilleuls",
            1,
            "Allée des Peupliers",
            "Deux lampadaires clignotent toute la nuit.",
        ),
        DemoReport(
            "tags",
            "proprete",
            "centre-bourg",
            8,
            "Rue de l'Église, mur de l'école maternelle",
            "Des tags sur le mur de l'école maternelle, côté rue.",
            anonymous=True,
            steps=(
                (2, ReportState.ACKNOWLEDGED, "Nettoyage par l'équipe propreté lundi."),
                (6, ReportState.RESOLVED, "Mur nettoyé."),
            ),
        ),
        DemoReport(
            "haie",
            "espaces-verts",
            "bel-air",
            4,
            "Rue des Acacias, le long du square",
            "La haie du square déborde sur le trottoir : avec une poussette, il faut "
            "marcher sur la route.",
            steps=((1, "note", "Même chose de l'autre côté du square."),),
        ),
        DemoReport(
            "plaque",
            "voirie",
            "le-moulin",
            2,
            "12 chemin des Prés",
            "Une plaque d'égout bouge et claque au passage des voitures.",
            pinned=False,
        ),
        # A second duplicate and a second closed one: a few reports in each
        # state, as issue 16 asks of the demo.
        DemoReport(
            "lampadaire-bis",
            "eclairage",
            "centre-bourg",
            24,
            "Rue de la République, au nº 16",
            "Plus de lumière devant chez nous depuis plusieurs soirs.",
            steps=(
                (
                    1,
                    "duplicate",
                    (
                        "lampadaire",
                        "C'est le lampadaire du nº 14, déjà signalé : sa "
                        "réparation est suivie sur le signalement conservé.",
                    ),
                ),
            ),
        ),
        DemoReport(
            "gravats",
            "dechets",
            "le-moulin",
            15,
            "Chemin des Prés, dans la cour du nº 3",
            "Des gravats s'entassent dans une cour depuis des semaines.",
            steps=(
                (
                    3,
                    ReportState.CLOSED,
                    "Cette cour est un terrain privé : la commune a écrit à son "
                    "propriétaire, à qui il revient de les enlever.",
                ),
            ),
        ),
    ],
    RIVEMONT: [
        DemoReport(
            "reverbere",
            "eclairage",
            "le-quai",
            9,
            "Quai de la Rivière, devant le ponton",
            "Le réverbère du ponton ne s'allume plus.",
            author="lucie.roux",
            steps=(
                (
                    1,
                    ReportState.ACKNOWLEDGED,
                    "Intervention demandée au syndicat d'énergie.",
                ),
            ),
        ),
        DemoReport(
            "ornieres",
            "voirie",
            "les-vergers",
            20,
            "Route des Vergers",
            "Des ornières sur le bas-côté depuis les travaux de la fibre.",
            author="karim.haddad",
            steps=(
                (2, ReportState.ACKNOWLEDGED, "L'entreprise de la fibre est prévenue."),
                (12, ReportState.RESOLVED, "Bas-côté remis en état par l'entreprise."),
            ),
        ),
        DemoReport(
            "bac-jaune",
            "dechets",
            "la-butte",
            3,
            "Place de la Butte",
            "Le bac jaune est cassé : le couvercle est arraché.",
            steps=((0, "me_too", 1),),
        ),
    ],
}


def seed_demo_reports(now: datetime | None = None) -> None:
    """Categories, the agent and the reports of every demo town there is."""
    now = now or timezone.now().replace(microsecond=0)
    for town in TownPage.objects.filter(slug__in=REPORTS).order_by("pk"):
        with transaction.atomic():
            _seed_town(town, now)


def _seed_town(town: TownPage, now: datetime) -> None:
    if town.slug == VAL_DE_LYS:
        _agent(town)
    if ReportCategory.objects.filter(town=town).exists():
        return
    _set_map(town)
    categories = {
        code: ReportCategory.objects.create(
            town=town,
            name=name,
            service_code=code,
            service_name=SERVICES[town.slug][code],
            description=description,
            sort_order=position,
        )
        for position, (name, code, description) in enumerate(CATEGORIES)
    }
    staff = User.objects.get(username=f"{STAFF[town.slug]}@{EMAIL_DOMAIN}")
    neighbourhoods = {n.slug: n for n in Neighbourhood.objects.filter(town=town)}
    neighbours = _Neighbours(town)
    filed: dict[str, Report] = {}
    # When each row really happened: actions date what they write « now ».
    report_dates: dict[int, tuple[datetime, datetime]] = {}
    update_dates: dict[int, datetime] = {}
    for position, spec in enumerate(REPORTS[town.slug]):
        neighbourhood = neighbourhoods[spec.neighbourhood]
        author = (
            Member.objects.get(user__username=f"{spec.author}@{EMAIL_DOMAIN}")
            if spec.author
            else neighbours.next(neighbourhood)
        )
        latitude = longitude = None
        if spec.pinned:
            latitude, longitude = _position(town, neighbourhoods, spec, position)
        report = actions.check_create_report(
            town,
            category=categories[spec.code],
            description=spec.description,
            latitude=latitude,
            longitude=longitude,
            address=spec.address,
            neighbourhood=neighbourhood,
            author=author,
            anonymous=spec.anonymous,
            photo=_streetlight() if spec.photo else None,
            client_key=f"demo-report-{spec.key}",
        )
        filed[spec.key] = report
        filed_at = now - timedelta(days=spec.days, hours=2 + position % 7)
        for pk in report.updates.values_list("pk", flat=True):
            update_dates[pk] = filed_at
        last = filed_at
        for days, what, detail in spec.steps:
            last = min(
                now - timedelta(minutes=10),
                filed_at + timedelta(days=days, hours=3),
            )
            updates = _step(report, what, detail, staff, neighbours, filed)
            for n, update in enumerate(updates):
                # Several « moi aussi » of one day: a few minutes apart.
                update_dates[update.pk] = min(now, last + timedelta(minutes=17 * n))
        report_dates[report.pk] = (filed_at, last)
    for pk, (created_at, updated_at) in report_dates.items():
        Report.objects.filter(pk=pk).update(
            created_at=created_at, updated_at=updated_at
        )
    for pk, created_at in update_dates.items():
        ReportUpdate.objects.filter(pk=pk).update(created_at=created_at)


def _step(report, what, detail, staff, neighbours, filed) -> list[ReportUpdate]:
    """One step of a report's timeline, through the action a person would use."""
    label = report.category.service_name
    if what == "me_too":
        before = set(report.updates.values_list("pk", flat=True))
        for _n in range(detail):
            actions.do_me_too(neighbours.next(report.neighbourhood), report)
        return list(report.updates.exclude(pk__in=before))
    if what == "note":
        neighbour = neighbours.next(report.neighbourhood)
        return [
            actions.check_add_note(
                neighbour, report, detail, client_key=f"demo-note-{report.pk}"
            )
        ]
    if what == "duplicate":
        kept, note = detail
        return [
            actions.check_change_state(
                staff,
                report,
                ReportState.DUPLICATE,
                note,
                duplicate_of=filed[kept],
                staff_label=label,
            )
        ]
    return [actions.check_change_state(staff, report, what, detail, staff_label=label)]


class _Neighbours:
    """Members of a neighbourhood who cannot log in (the demo's crowd), in
    turn: the README's accounts keep their rate limits free to try the site."""

    def __init__(self, town: TownPage) -> None:
        self.by_neighbourhood: dict[int, list[Member]] = {}
        self.turn: dict[int, int] = {}
        for member in (
            # An unusable password: the generated members, not the README's.
            Member.objects.filter(
                town=town,
                household__isnull=False,
                user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
            )
            .select_related("household")
            .order_by("pk")
        ):
            crowd = self.by_neighbourhood.setdefault(
                member.household.neighbourhood_id, []
            )
            if len(crowd) < 12:
                crowd.append(member)

    def next(self, neighbourhood: Neighbourhood) -> Member:
        crowd = self.by_neighbourhood[neighbourhood.pk]
        position = self.turn.get(neighbourhood.pk, 0)
        self.turn[neighbourhood.pk] = position + 1
        return crowd[position % len(crowd)]


def _agent(town: TownPage) -> None:
    """Val-de-Lys's roads agent (README.md), holding SERVICE there."""
    user = User.objects.filter(username=AGENT_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            username=AGENT_EMAIL, email=AGENT_EMAIL, password=AGENT_PASSWORD
        )
        do_grant_role(user, town, Role.SERVICE)
        Member.objects.create(
            user=user,
            town=town,
            display_name=AGENT_NAME,
            welcome_completed_at=timezone.now(),
        )


def _set_map(town: TownPage) -> None:
    """The town's bounds and map centre, unless someone set them already."""
    if has_bounds(town):
        return
    (south, west, north, east), (latitude, longitude), zoom = MAPS[town.slug]
    town.bounds_south, town.bounds_west = south, west
    town.bounds_north, town.bounds_east = north, east
    town.map_latitude, town.map_longitude, town.map_zoom = latitude, longitude, zoom
    # Through a revision: the page's editor opens the latest one.
    town.save_revision().publish()
    town.refresh_from_db()


def _position(town, neighbourhoods, spec: DemoReport, position: int):
    """A point inside the town's bounds: each neighbourhood a cell of a grid
    over them, each report a step away from the cell's centre."""
    slugs = sorted(neighbourhoods)
    columns = math.ceil(math.sqrt(len(slugs)))
    rows = math.ceil(len(slugs) / columns)
    index = slugs.index(spec.neighbourhood)
    row, column = divmod(index, columns)
    height = (town.bounds_north - town.bounds_south) / rows
    width = (town.bounds_east - town.bounds_west) / columns
    offset = ((position % 5) - 2) / 10
    latitude = town.bounds_south + height * (row + 0.5 + offset)
    longitude = town.bounds_west + width * (column + 0.5 - offset)
    return round(latitude, 6), round(longitude, 6)


def _streetlight() -> SimpleUploadedFile:
    """A street lamp at night, its bulb out: the demo report's photo."""
    width, height = 640, 480
    picture = Image.new("RGB", (width, height), (28, 34, 64))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 380, width, height], fill=(70, 70, 76))
    draw.rectangle([310, 120, 326, 400], fill=(40, 40, 44))
    draw.rectangle([318, 110, 420, 124], fill=(40, 40, 44))
    draw.polygon([(390, 124), (450, 124), (436, 150), (404, 150)], fill=(60, 60, 66))
    for x, y in ((80, 60), (200, 40), (520, 90), (580, 30), (140, 150)):
        draw.ellipse([x, y, x + 3, y + 3], fill=(230, 230, 200))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile("lampadaire.jpg", buffer.getvalue(), "image/jpeg")

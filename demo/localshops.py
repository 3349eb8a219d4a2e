"""The demo town's shops and producers, its seasonal calendar, and one purchase
logged with the receipt's photo (issue 18, docs/localshops.md).

Idempotent: a produce, a producer or the purchase already there is left as it is.
"""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from challenges.models import Shop
from community.models import Member, TownPage
from localshops import actions
from localshops.models import BusinessKind, LocalBusiness, Produce, month_bit

# name, category, months in season (France, a northern town)
CALENDAR = [
    ("Fraise", "fruit", (5, 6, 7)),
    ("Cerise", "fruit", (6, 7)),
    ("Framboise", "fruit", (7, 8, 9)),
    ("Prune", "fruit", (8, 9)),
    ("Pomme", "fruit", (1, 2, 3, 8, 9, 10, 11, 12)),
    ("Poire", "fruit", (1, 2, 9, 10, 11, 12)),
    ("Rhubarbe", "vegetable", (4, 5, 6)),
    ("Asperge", "vegetable", (4, 5, 6)),
    ("Petit pois", "vegetable", (5, 6, 7)),
    ("Tomate", "vegetable", (7, 8, 9)),
    ("Courgette", "vegetable", (6, 7, 8, 9)),
    ("Haricot vert", "vegetable", (7, 8, 9)),
    ("Potiron", "vegetable", (9, 10, 11, 12)),
    ("Poireau", "vegetable", (1, 2, 3, 9, 10, 11, 12)),
    ("Chou", "vegetable", (1, 2, 3, 10, 11, 12)),
    ("Endive", "vegetable", (1, 2, 3, 4, 10, 11, 12)),
    ("Carotte", "vegetable", tuple(range(1, 13))),
    ("Pomme de terre", "vegetable", tuple(range(1, 13))),
    ("Fromage de chèvre", "other", (3, 4, 5, 6, 7, 8, 9, 10)),
    ("Pain au levain", "other", tuple(range(1, 13))),
    ("Miel", "other", tuple(range(1, 13))),
]

# name, kind, description, opening hours, address, (lat, lon), produce
PRODUCERS = [
    (
        "Les Jardins de la Lys",
        BusinessKind.PRODUCER,
        "Maraîchage bio en plein champ et sous serre, paniers chaque semaine.",
        "Vente à la ferme le mardi et le vendredi, 16 h – 19 h.",
        "Chemin des Prés",
        (50.6782, 2.8531),
        [
            "Fraise",
            "Framboise",
            "Rhubarbe",
            "Asperge",
            "Petit pois",
            "Tomate",
            "Courgette",
            "Haricot vert",
            "Potiron",
            "Poireau",
            "Chou",
            "Endive",
            "Carotte",
            "Pomme de terre",
        ],
    ),
    (
        "Chèvrerie du Moulin",
        BusinessKind.PRODUCER,
        "Fromages de chèvre fermiers, frais et affinés, et miel des ruches.",
        "Samedi 9 h – 12 h à la ferme ; au marché le dimanche matin.",
        "Ferme du Moulin, route d'Estaires",
        (50.6521, 2.8993),
        ["Fromage de chèvre", "Miel"],
    ),
    (
        "Boulangerie du Fournil",
        BusinessKind.SHOP,
        "Pain au levain cuit au feu de bois, farines des moulins voisins.",
        "Du mardi au samedi, 7 h – 13 h et 16 h – 19 h ; dimanche 7 h – 12 h.",
        "5 rue de l'Église",
        (50.6658, 2.8762),
        ["Pain au levain"],
    ),
    (
        "Vergers Lefebvre",
        BusinessKind.MARKET_STALL,
        "Pommes, poires, cerises et prunes des vergers de la vallée.",
        "Au marché de la place, le mercredi et le samedi matin.",
        "Place du Marché",
        (50.6649, 2.8741),
        ["Cerise", "Prune", "Pomme", "Poire"],
    ),
]

PURCHASE_BUYER = "anne.martin@demo.smartcitizen.fr"
PURCHASE_KEY = "demo-achat-local-anne-1"


def _receipt() -> SimpleUploadedFile:
    """A drawn receipt (no real person's)."""
    image = Image.new("RGB", (360, 520), "white")
    draw = ImageDraw.Draw(image)
    lines = ["LES JARDINS DE LA LYS", "", "Poireaux   2,40", "Carottes   1,80"]
    lines += ["Pommes de terre   3,20", "", "TOTAL   7,40 EUR"]
    for row, text in enumerate(lines):
        draw.text((24, 30 + row * 28), text, fill="black")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile("ticket.jpg", out.getvalue(), "image/jpeg")


def seed_demo_localshops(town: TownPage) -> None:
    """The reward shops in the directory, producers, the calendar, a purchase."""
    for shop in Shop.objects.filter(town=town).order_by("pk"):
        actions.do_ensure_business_for_shop(shop)
    produce = {}
    for name, category, months in CALENDAR:
        produce[name], _created = Produce.objects.get_or_create(
            town=town,
            name=name,
            defaults={
                "category": category,
                "months": sum(month_bit(month) for month in months),
            },
        )
    for name, kind, description, hours, address, (lat, lon), sold in PRODUCERS:
        business, created = LocalBusiness.objects.get_or_create(
            town=town,
            name=name,
            defaults={
                "kind": kind,
                "description": description,
                "opening_hours": hours,
                "address": address,
                "latitude": lat,
                "longitude": lon,
            },
        )
        if created:
            business.products.set([produce[item] for item in sold])
    buyer = (
        Member.objects.filter(town=town, user__username=PURCHASE_BUYER)
        .select_related("household", "town")
        .first()
    )
    if buyer is not None and buyer.household_id is not None:
        actions.check_log_local_purchase(
            buyer,
            business_id=LocalBusiness.objects.get(town=town, name=PRODUCERS[0][0]).pk,
            amount=Decimal("7.40"),
            receipt=_receipt(),
            client_key=PURCHASE_KEY,
        )

"""The demo town: a deterministic copy of the town where the programme started.

About 5,500 residents in 2,400 households over 6 neighbourhoods; 600 households
take part. Only the handful of accounts listed in README.md have a password; the
other members are there to fill the town and cannot log in.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from community import roles
from community.actions import do_grant_role
from community.domains import Domain
from community.models import (
    ConsentKind,
    ConsentRecord,
    Household,
    HouseholdStatus,
    Invitation,
    Member,
    Neighbourhood,
    TownPage,
)
from community.models.households import PUBLIC_ID_ALPHABET, PUBLIC_ID_LENGTH
from community.new_town import do_build_town_tree, do_copy_consent_texts
from community.privacy import current_consent_text
from demo.content import seed_demo_content
from demo.gridalerts import seed_demo_grid_alert
from demo.life import seed_demo_life
from demo.locallife import seed_demo_local_life
from demo.rivemont import SLUG as SECOND_TOWN_SLUG
from demo.rivemont import demo_second_town_exists, seed_second_town

# The demo's staff accounts hold their role in the demo town.
STAFF_ROLES = {
    roles.MODERATOR: roles.Role.MODERATOR,
    roles.AMBASSADOR: roles.Role.AMBASSADOR,
}

SEED = 20260901
TOWN_SLUG = "val-de-lys"
TOWN_TITLE = "Val-de-Lys"
EMAIL_DOMAIN = "demo.smartcitizen.fr"
# Generated participating households per neighbourhood: 597, and the 3 households
# of the demo residents below make 600.
NEIGHBOURHOODS = [
    # name, slug, households, residents, participating
    ("Centre-Bourg", "centre-bourg", 520, 1150, 139),
    ("Les Tilleuls", "les-tilleuls", 430, 1010, 105),
    ("La Gare", "la-gare", 380, 840, 94),
    ("Le Moulin", "le-moulin", 360, 850, 85),
    ("Les Coteaux", "les-coteaux", 400, 950, 100),
    ("Bel-Air", "bel-air", 310, 700, 74),
]
FIRST_NAMES = [
    "Anne", "Bruno", "Camille", "David", "Élodie", "François", "Gaëlle", "Hugo",
    "Inès", "Julien", "Karima", "Louis", "Manon", "Nicolas", "Océane", "Paul",
    "Quentin", "Rose", "Samir", "Théo", "Ursule", "Valérie", "William", "Yasmine",
    "Zoé", "Agnès", "Baptiste", "Chloé", "Dominique", "Emma",
]  # fmt: skip
LAST_INITIALS = "ABCDEFGHJKLMNPRSTV"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    display_name: str
    role: str
    neighbourhood: str = ""
    household_key: str = ""
    # How long ago the account was opened (trust levels grow with time).
    days: int = 200


# Listed in README.md; demo passwords, never to be used on a real site.
DEMO_ACCOUNTS = [
    DemoAccount("admin@demo.smartcitizen.fr", "demo-admin-2026", "Admin", "admin"),
    DemoAccount(
        "claire.moderatrice@demo.smartcitizen.fr",
        "demo-moderation-2026",
        "Claire (modération)",
        roles.MODERATOR,
    ),
    DemoAccount(
        "marc.moderateur@demo.smartcitizen.fr",
        "demo-moderation-2026",
        "Marc (modération)",
        roles.MODERATOR,
    ),
    DemoAccount(
        "lea.ambassadrice@demo.smartcitizen.fr",
        "demo-ambassade-2026",
        "Léa, ambassadrice",
        roles.AMBASSADOR,
        "centre-bourg",
    ),
    DemoAccount(
        "yanis.ambassadeur@demo.smartcitizen.fr",
        "demo-ambassade-2026",
        "Yanis, ambassadeur",
        roles.AMBASSADOR,
        "les-tilleuls",
    ),
    DemoAccount(
        "ines.ambassadrice@demo.smartcitizen.fr",
        "demo-ambassade-2026",
        "Inès, ambassadrice",
        roles.AMBASSADOR,
        "la-gare",
    ),
    DemoAccount(
        "tom.ambassadeur@demo.smartcitizen.fr",
        "demo-ambassade-2026",
        "Tom, ambassadeur",
        roles.AMBASSADOR,
        "les-coteaux",
    ),
    DemoAccount(
        "anne.martin@demo.smartcitizen.fr",
        "demo-habitant-2026",
        "Anne M.",
        roles.RESIDENT,
        "centre-bourg",
        "martin",
        days=240,
    ),
    DemoAccount(
        "paul.martin@demo.smartcitizen.fr",
        "demo-habitant-2026",
        "Paul M.",
        roles.RESIDENT,
        "centre-bourg",
        "martin",
        days=240,
    ),
    DemoAccount(
        "samir.benali@demo.smartcitizen.fr",
        "demo-habitant-2026",
        "Samir B.",
        roles.RESIDENT,
        "la-gare",
        "benali",
        days=150,
    ),
    DemoAccount(
        "zoe.lefebvre@demo.smartcitizen.fr",
        "demo-habitant-2026",
        "Zoé L.",
        roles.RESIDENT,
        "bel-air",
        "lefebvre",
        days=1,
    ),
]
# Pre-registered households waiting for their first member, with a known code
# each, to try the sign-up with an invitation.
DEMO_INVITATIONS = [("DEMO-2026", "les-tilleuls"), ("ESSA-YEZ2", "le-moulin")]


def _public_id(rng: random.Random, taken: set[str]) -> str:
    while True:
        candidate = "".join(
            rng.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH)
        )
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def demo_town_exists() -> bool:
    return TownPage.objects.filter(slug=TOWN_SLUG).exists()


@transaction.atomic
def seed_demo_town(stdout=None) -> TownPage:
    """Build the demo town, or return it untouched when it is already there."""
    existing = TownPage.objects.filter(slug=TOWN_SLUG).first()
    if existing is not None:
        return existing

    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    now = timezone.now().replace(microsecond=0)
    town = _create_town_page()
    do_build_town_tree(town)
    do_copy_consent_texts(town)
    neighbourhoods = {
        slug: Neighbourhood.objects.create(
            town=town,
            name=name,
            slug=slug,
            household_count=households,
            population=residents,
        )
        for name, slug, households, residents, _ in NEIGHBOURHOODS
    }
    taken_ids: set[str] = set()
    groups = {name: Group.objects.get(name=name) for name in roles.ALL}

    households = []
    for _, slug, _, _, participating in NEIGHBOURHOODS:
        for _ in range(participating):
            joined = now - timedelta(
                days=rng.randint(1, 300), minutes=rng.randint(0, 1439)
            )
            households.append(
                Household(
                    public_id=_public_id(rng, taken_ids),
                    neighbourhood=neighbourhoods[slug],
                    domains=rng.sample(Domain.values, rng.randint(1, 4)),
                    status=HouseholdStatus.ACTIVE,
                    created_at=joined - timedelta(days=rng.randint(0, 14)),
                    joined_at=joined,
                )
            )
    Household.objects.bulk_create(households)
    # Seven households in ten agreed to research use (the university's export
    # has figures to show); by position, so the random draws stay the same.
    research = current_consent_text(ConsentKind.RESEARCH, town)
    if research is not None:
        ConsentRecord.objects.bulk_create(
            ConsentRecord(
                household=household, text=research, given_at=household.joined_at
            )
            for index, household in enumerate(households)
            if index % 10 < 7
        )

    # Members of the generated households cannot log in (unusable password);
    # 1 to 3 accounts per household.
    unusable = make_password(None)
    people = []  # (email, household, display name)
    for index, household in enumerate(households):
        for position in range(rng.choice((1, 1, 2, 2, 2, 3))):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_INITIALS)}."
            people.append(
                (f"foyer{index + 1:04d}.{position + 1}@{EMAIL_DOMAIN}", household, name)
            )
    User.objects.bulk_create(
        User(username=email, email=email, password=unusable, date_joined=now)
        for email, _, _ in people
    )
    by_email = User.objects.in_bulk(
        [email for email, _, _ in people], field_name="username"
    )
    Member.objects.bulk_create(
        Member(
            user=by_email[email],
            town=town,
            household=household,
            display_name=name,
            created_at=household.joined_at,
            # Long-standing members: their welcome path is behind them.
            welcome_completed_at=household.joined_at,
        )
        for email, household, name in people
    )
    groups[roles.RESIDENT].user_set.add(*by_email.values())

    resident_households = _create_demo_accounts(
        town, neighbourhoods, groups, rng, taken_ids, now
    )
    for code, slug in DEMO_INVITATIONS:
        household = Household.objects.create(
            public_id=_public_id(rng, taken_ids),
            neighbourhood=neighbourhoods[slug],
            domains=[Domain.ENERGY, Domain.WATER],
            status=HouseholdStatus.PRE_REGISTERED,
            created_at=now,
        )
        Invitation.objects.create(
            code=code,
            household=household,
            created_at=now,
            expires_at=now + timedelta(days=365),
        )
    seed_demo_content(town, now, resident_households)
    seed_demo_life(town, now)
    seed_demo_grid_alert(town, now)
    seed_demo_local_life(town)
    if not demo_second_town_exists():
        seed_second_town(now)
    return town


@transaction.atomic
def seed_second_demo_town() -> TownPage:
    """The second town alone, for a database seeded before it existed."""
    existing = TownPage.objects.filter(slug=SECOND_TOWN_SLUG).first()
    if existing is not None:
        return existing
    return seed_second_town(timezone.now().replace(microsecond=0))


def _create_town_page() -> TownPage:
    """The town page at the root of the default site, instead of Wagtail's welcome."""
    root = Page.get_first_root_node()
    town = root.add_child(
        instance=TownPage(
            title=TOWN_TITLE,
            slug=TOWN_SLUG,
            intro=(
                "<p>Bienvenue dans le programme Smart Citizen de Val-de-Lys : les "
                "foyers de la commune agissent pour l'énergie, l'eau, les transports, "
                "le tri et l'alimentation locale, partagent leurs astuces et relèvent "
                "des défis entre voisins.</p>"
            ),
            intro_en=(
                "<p>Welcome to Val-de-Lys's Smart Citizen programme: the town's "
                "households take action on energy, water, transport, recycling and "
                "local food, share their tips and take on challenges with their "
                "neighbours.</p>"
            ),
            domains=list(Domain.values),
            participation_target=600,
        )
    )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    old_root_id = site.root_page_id
    site.root_page = town
    site.site_name = TOWN_TITLE
    site.save()
    # Wagtail's stock welcome page is a plain Page nobody wrote: remove it.
    Page.objects.filter(pk=old_root_id, depth=2, content_type__model="page").exclude(
        pk=town.pk
    ).delete()
    return town


def _create_demo_accounts(
    town, neighbourhoods, groups, rng, taken_ids, now
) -> list[Household]:
    """The README's accounts; returns the demo residents' households."""
    demo_households: dict[str, Household] = {}
    for account in DEMO_ACCOUNTS:
        user = User.objects.create_user(
            username=account.email, email=account.email, password=account.password
        )
        if account.role == "admin":
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        elif account.role in STAFF_ROLES:
            do_grant_role(user, town, STAFF_ROLES[account.role])
        else:
            user.groups.add(groups[account.role])
        household = None
        if account.household_key:
            household = demo_households.get(account.household_key)
            if household is None:
                household = Household.objects.create(
                    public_id=_public_id(rng, taken_ids),
                    neighbourhood=neighbourhoods[account.neighbourhood],
                    domains=[Domain.ENERGY, Domain.WASTE, Domain.LOCAL_FOOD],
                    status=HouseholdStatus.ACTIVE,
                    created_at=now - timedelta(days=account.days),
                    joined_at=now - timedelta(days=account.days),
                )
                demo_households[account.household_key] = household
        Member.objects.create(
            user=user,
            town=town,
            household=household,
            display_name=account.display_name,
            created_at=now - timedelta(days=account.days),
            welcome_completed_at=now - timedelta(days=account.days),
        )
    return list(demo_households.values())

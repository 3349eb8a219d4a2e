"""The demo's second town: Rivemont, smaller, on its own hostname, with its
own staff, so that a visitor sees at once that towns do not mix.

Reached in development at http://rivemont.localhost:8000/ (browsers resolve
*.localhost to this machine) or with http://127.0.0.1:8000/?town=rivemont
(DEBUG only: community.towns.DevTownSwitchMiddleware). Its accounts are in
README.md. Built through community.new_town like any new town; its settings
differ from Val-de-Lys's to show they are per town: sign-up with an invitation
code only, a coverage target of 30 %.
"""

import random
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.utils.text import slugify

from community import roles
from community.actions import do_grant_role
from community.domains import Domain
from community.models import (
    Household,
    HouseholdStatus,
    Invitation,
    Member,
    Neighbourhood,
    Role,
    TownPage,
)
from community.models.households import PUBLIC_ID_ALPHABET, PUBLIC_ID_LENGTH
from community.new_town import NewNeighbourhood, check_create_town

SEED = 20261206
TITLE = "Rivemont"
SLUG = "rivemont"
HOSTNAME = "rivemont.localhost"
PORT = 8000
EMAIL_DOMAIN = "demo.smartcitizen.fr"
# name, census households, generated participating households
NEIGHBOURHOODS = [("Le Quai", 180, 14), ("Les Vergers", 140, 10), ("La Butte", 90, 6)]
# email, password, display name, role, neighbourhood slug (residents)
ACCOUNTS = [
    (
        "rivemont.mairie@demo.smartcitizen.fr",
        "demo-admin-2026",
        "Mairie de Rivemont",
        Role.TOWN_ADMIN,
        "",
    ),
    (
        "nora.moderatrice@demo.smartcitizen.fr",
        "demo-moderation-2026",
        "Nora (modération)",
        Role.MODERATOR,
        "",
    ),
    (
        "hugo.ambassadeur@demo.smartcitizen.fr",
        "demo-ambassade-2026",
        "Hugo, ambassadeur",
        Role.AMBASSADOR,
        "",
    ),
    (
        "lucie.roux@demo.smartcitizen.fr",
        "demo-habitant-2026",
        "Lucie R.",
        roles.RESIDENT,
        "le-quai",
    ),
    (
        "karim.haddad@demo.smartcitizen.fr",
        "demo-habitant-2026",
        "Karim H.",
        roles.RESIDENT,
        "les-vergers",
    ),
]
INVITATION = ("RIVE-2026", "la-butte")
POSTS = [
    (
        "lucie.roux",
        "le-quai",
        "Qui serait partant pour un composteur partagé au bout du quai ? "
        "J'ai vu que la mairie en prête.",
    ),
    (
        "karim.haddad",
        "",
        "Première semaine avec des douches de 5 minutes à la maison : les enfants "
        "ont fait un concours de sablier !",
    ),
    (
        "hugo.ambassadeur",
        "les-vergers",
        "Je passe aux Vergers samedi matin : si vous voulez inscrire votre foyer, "
        "ouvrez-moi la porte, j'ai les cartes d'invitation.",
    ),
]
REPLIES = [
    ("karim.haddad", 0, "Partant ! On peut en parler à la fête des voisins."),
    ("lucie.roux", 1, "Bravo, on essaie chez nous aussi."),
]


def demo_second_town_exists() -> bool:
    return TownPage.objects.filter(slug=SLUG).exists()


def _public_id(rng: random.Random) -> str:
    while True:
        candidate = "".join(
            rng.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH)
        )
        if not Household.objects.filter(public_id=candidate).exists():
            return candidate


def seed_second_town(now: datetime) -> TownPage:
    """Rivemont, its neighbourhoods, households, staff, residents and posts."""
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    town = check_create_town(
        title=TITLE,
        hostname=HOSTNAME,
        port=PORT,
        neighbourhoods=[NewNeighbourhood(name, n) for name, n, _ in NEIGHBOURHOODS],
    )
    town.intro = (
        "<p>Rivemont, 900 habitants au bord de la rivière, rejoint le programme "
        "Smart Citizen : ici, on s'inscrit avec la carte qu'apporte "
        "l'ambassadeur.</p>"
    )
    town.intro_en = (
        "<p>Rivemont, 900 residents by the river, joins the Smart Citizen "
        "programme: here, households sign up with the card the ambassador "
        "brings.</p>"
    )
    town.participation_target = 60
    town.open_signup = False
    town.coverage_target_share = 0.3
    town.save_revision().publish()
    town.refresh_from_db()
    neighbourhoods = {n.slug: n for n in Neighbourhood.objects.filter(town=town)}
    _households(town, neighbourhoods, rng, now)
    members = _accounts(town, neighbourhoods, rng, now)
    _ambassador_page(town, members["hugo.ambassadeur"].user, neighbourhoods)
    code, slug = INVITATION
    Invitation.objects.create(
        code=code,
        household=Household.objects.create(
            public_id=_public_id(rng),
            neighbourhood=neighbourhoods[slug],
            domains=[Domain.ENERGY],
            status=HouseholdStatus.PRE_REGISTERED,
            created_at=now,
        ),
        created_at=now,
        expires_at=now + timedelta(days=365),
    )
    _posts(members, neighbourhoods)
    return town


def _households(town, neighbourhoods, rng, now) -> None:
    """Households that take part, each with one member who cannot log in."""
    unusable = make_password(None)
    residents = Group.objects.get(name=roles.RESIDENT)
    position = 0
    for name, _census, participating in NEIGHBOURHOODS:
        for _ in range(participating):
            position += 1
            joined = now - timedelta(days=rng.randint(5, 120))
            household = Household.objects.create(
                public_id=_public_id(rng),
                neighbourhood=neighbourhoods[slugify(name)],
                domains=rng.sample(Domain.values, rng.randint(1, 3)),
                status=HouseholdStatus.ACTIVE,
                created_at=joined,
                joined_at=joined,
            )
            email = f"rivemont{position:03d}@{EMAIL_DOMAIN}"
            user = User.objects.create(username=email, email=email, password=unusable)
            user.groups.add(residents)
            Member.objects.create(
                user=user,
                town=town,
                household=household,
                display_name=f"Voisin·e {position} de Rivemont",
                created_at=joined,
                welcome_completed_at=joined,
            )


def _accounts(town, neighbourhoods, rng, now) -> dict[str, Member]:
    """The README's accounts of Rivemont, by the e-mail's local part."""
    members = {}
    residents = Group.objects.get(name=roles.RESIDENT)
    for email, password, name, role, slug in ACCOUNTS:
        user = User.objects.create_user(username=email, email=email, password=password)
        household = None
        if role == roles.RESIDENT:
            user.groups.add(residents)
            household = Household.objects.create(
                public_id=_public_id(rng),
                neighbourhood=neighbourhoods[slug],
                domains=[Domain.ENERGY, Domain.WASTE],
                status=HouseholdStatus.ACTIVE,
                created_at=now - timedelta(days=90),
                joined_at=now - timedelta(days=90),
            )
        else:
            do_grant_role(user, town, role)
        members[email.split("@")[0]] = Member.objects.create(
            user=user,
            town=town,
            household=household,
            display_name=name,
            created_at=now - timedelta(days=90),
            welcome_completed_at=now - timedelta(days=90),
        )
    return members


def _ambassador_page(town, user, neighbourhoods) -> None:
    from ambassadors.models import AmbassadorIndexPage, AmbassadorPage

    index = AmbassadorIndexPage.objects.child_of(town).get()
    page = index.add_child(
        instance=AmbassadorPage(
            title="Hugo",
            slug="hugo",
            user=user,
            bio="En service civique à Rivemont, je passe vous voir chez vous.",
        )
    )
    page.neighbourhoods.set(neighbourhoods.values())
    page.save_revision().publish()


def _posts(members: dict[str, Member], neighbourhoods) -> None:
    from feeds.actions import check_add_comment, check_create_post

    posts = []
    for position, (author, slug, body) in enumerate(POSTS):
        posts.append(
            check_create_post(
                members[author],
                body=body,
                client_key=f"rivemont-post-{position}",
                target="neighbourhood" if slug else "town",
                neighbourhood_id=neighbourhoods[slug].pk if slug else None,
            )
        )
    for position, (author, index, body) in enumerate(REPLIES):
        check_add_comment(
            members[author],
            posts[index],
            body=body,
            client_key=f"rivemont-comment-{position}",
        )

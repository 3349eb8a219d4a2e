"""The demo town lived in: faces, conversations, pictures, shops, challenges under way.

Everything a resident did goes through the apps' own actions (a post, a comment,
a chat message, a profile picture, « J'ai agi », the scoring core's ledger), so
that the demo shows what the site makes of real use. Only timestamps are moved
back afterwards, since actions date what they write « now ».

Who is who (README.md, demo accounts): Anne and Paul Martin have been here for
months and write now and then (members); Samir too; a regular of each
neighbourhood has written enough, long enough, to be trusted; Zoé arrived
yesterday and shows the newcomer rules.
"""

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from community.models import Household, HouseholdStatus, Member, TownPage
from community.towns import policy
from demo.pictures import CAPTIONS, SCENES, as_upload, portrait

SEED = 20261206
EMAIL_DOMAIN = "demo.smartcitizen.fr"
# Demo accounts by short name; the regulars are generated members, one per
# neighbourhood, taken among those who joined months ago.
ACCOUNTS = {
    "anne": "anne.martin",
    "paul": "paul.martin",
    "samir": "samir.benali",
    "zoe": "zoe.lefebvre",
    "lea": "lea.ambassadrice",
    "yanis": "yanis.ambassadeur",
    "ines": "ines.ambassadrice",
    "tom": "tom.ambassadeur",
    "claire": "claire.moderatrice",
}
REGULAR_NEIGHBOURHOODS = [
    "centre-bourg",
    "les-tilleuls",
    "la-gare",
    "le-moulin",
    "les-coteaux",
    "bel-air",
]
# The regulars' names (the generated ones are drawn at random and may repeat
# a demo account's, « Samir B. » for instance).
REGULAR_NAMES = ["Gaëlle R.", "Hugo T.", "Karima D.", "Louis P.", "Manon C.", "Théo V."]
# Without a photo, so that initials show too: Paul, Zoé, two regulars, a moderator.
WITHOUT_PHOTO = {"paul", "zoe", "claire", "regular-1", "regular-4"}
# Regulars who wrote enough, long enough, to be trusted; the others are members.
TRUSTED_REGULARS = ("regular-0", "regular-2", "regular-3", "regular-5")
LONG_HAIR = {"anne", "lea", "ines", "regular-0", "regular-2"}

# Conversations: author, where (None: the whole town; else a neighbourhood slug),
# days ago, text, picture (a scene of demo.pictures) or None. The
# authors of pictures first write enough to be allowed them.
POSTS = [
    (
        "anne",
        None,
        21,
        "Nous avons posé des mousseurs sur tous les robinets : 10 € la pièce, et "
        "la facture d'eau a déjà baissé. Qui veut essayer ?",
        None,
    ),
    (
        "samir",
        None,
        18,
        "Quelqu'un pour covoiturer vers la zone d'activités le matin ? Je pars de "
        "la gare vers 7 h 45.",
        None,
    ),
    (
        "lea",
        None,
        16,
        "Permanence ce samedi au marché de 10 h à 12 h : venez poser vos questions "
        "sur le programme !",
        None,
    ),
    (
        "regular-0",
        "centre-bourg",
        15,
        "Le composteur partagé derrière la médiathèque est de nouveau ouvert : "
        "apportez vos épluchures le mercredi et le samedi matin.",
        None,
    ),
    (
        "regular-1",
        "les-tilleuls",
        14,
        "Atelier réparation de vélos dimanche devant l'école des Tilleuls, "
        "apportez vos chambres à air crevées.",
        None,
    ),
    (
        "regular-2",
        "la-gare",
        12,
        "Nouveau : un arceau à vélos couvert devant la gare. Fini la selle mouillée.",
        None,
    ),
    (
        "regular-3",
        "le-moulin",
        11,
        "L'AMAP du Moulin cherche deux foyers de plus pour les paniers d'hiver : "
        "poireaux, courges et pommes du verger Durand.",
        None,
    ),
    (
        "regular-4",
        "les-coteaux",
        9,
        "Thermostat baissé à 19 °C depuis un mois : on a mis un pull, et le "
        "compteur de gaz tourne nettement moins vite.",
        None,
    ),
    (
        "regular-5",
        "bel-air",
        8,
        "Qui connaît un bon plombier pour une chasse d'eau qui fuit ? Elle coule "
        "toute la nuit.",
        None,
    ),
    (
        "paul",
        "centre-bourg",
        6,
        "Merci à Léa pour sa visite : on a enfin compris comment lire le compteur "
        "Linky.",
        None,
    ),
    (
        "tom",
        "les-coteaux",
        5,
        "Je passe dans les rues des Coteaux cette semaine pour le défi des veilles : "
        "je laisse un mot si vous êtes absents.",
        None,
    ),
    (
        "zoe",
        "bel-air",
        1,
        "Bonjour à tous ! Nous venons d'arriver à Bel-Air avec deux enfants. "
        "Par où commencer ?",
        None,
    ),
    (
        "anne",
        "centre-bourg",
        4,
        "Premières récoltes du potager partagé de la rue des Lilas : tomates, "
        "salades et courgettes pour tout le monde.",
        "garden",
    ),
    (
        "samir",
        "la-gare",
        3,
        "Mon vélo de courses, avec son panier : 4 km aller-retour jusqu'au marché, "
        "plus jamais la voiture le samedi.",
        "bike",
    ),
    (
        "regular-0",
        "centre-bourg",
        2,
        "Le nouveau bac à compost de l'immeuble est monté, merci aux voisins qui "
        "ont aidé !",
        "compost",
    ),
    (
        "regular-3",
        "le-moulin",
        1,
        "Le panier de la semaine est arrivé.",
        "basket",
    ),
]
# The first replies to some posts (by position in POSTS): who answers, and what.
FIRST_REPLIES = {
    0: [
        ("samir", "Combien de temps pour les poser ?"),
        ("anne", "Dix minutes pour toute la maison, sans outil."),
    ],
    1: [("regular-2", "Moi, trois jours par semaine ! Je vous écris en privé.")],
    2: [("paul", "On passera avec Anne.")],
    3: [("anne", "Merci ! On y va mercredi avec le seau de la semaine.")],
    6: [("regular-0", "On est intéressés, on vous écrit.")],
    8: [("regular-4", "Celui de la rue Pasteur est venu chez nous, très bien.")],
    11: [
        (
            "regular-5",
            "Bienvenue à Bel-Air ! Commencez par les astuces, et passez à "
            "la permanence de Léa le samedi.",
        ),
    ],
    12: [("samir", "Magnifique ! Il reste de la place au potager ?")],
    13: [("anne", "Bravo Samir, on vous suit le samedi prochain.")],
}
# Replies of neighbours, drawn in turn: they fit any post.
REPLIES = [
    "Merci, bonne idée !",
    "On a fait pareil chez nous, ça marche.",
    "Super initiative, bravo.",
    "Je note, merci du conseil.",
    "Je peux donner un coup de main si besoin.",
    "On en parle à la prochaine réunion de quartier ?",
    "Mes enfants vont adorer.",
    "Je m'inscris !",
    "Très chouette, merci pour le partage.",
    "Pensez à le déclarer dans le défi, ça compte.",
    "Il y a une astuce sur le site qui en parle.",
    "On essaie ce week-end.",
    "Merci pour l'info, je fais passer aux voisins.",
    "Excellent, ça donne envie.",
]
NEIGHBOURHOOD_CHAT = [
    ("anne", "Quelqu'un va au marché demain matin ? Je peux prendre des paniers."),
    ("regular-0", "Moi ! Un panier de légumes pour nous, merci Anne."),
    ("paul", "Rappel : permanence de Léa samedi, 10 h, sous la halle."),
]
DIRECT_CHAT = [
    ("samir", "anne", "Bonjour Anne, vos mousseurs viennent de quelle boutique ?"),
    ("anne", "samir", "De l'épicerie La Graine, rue de la Gare : 10 € la pièce."),
]
# Local shops and their offers: name, address, [(title, description, points,
# stock, monthly cap)].
SHOPS = [
    (
        "Boulangerie Au Pain de Lys",
        "3 place du Marché",
        [
            ("Une baguette tradition", "À retirer le jour même.", 50, None, 4),
            ("Un pain de campagne bio", "Farine du moulin de Lys.", 120, None, 2),
        ],
    ),
    (
        "Épicerie vrac La Graine",
        "12 rue de la Gare",
        [
            ("Un bocal en verre offert", "Pour vos courses en vrac.", 80, 40, None),
            ("5 € sur vos courses en vrac", "Dès 20 € d'achats.", 200, None, 1),
        ],
    ),
    (
        "Cycles du Moulin",
        "8 chemin du Moulin",
        [
            ("Un kit d'éclairage de vélo", "Avant et arrière, à piles.", 180, 15, None),
            ("Une révision de vélo", "Freins, pneus, chaîne.", 300, 10, None),
        ],
    ),
]
# The demo residents' « J'ai agi », in challenges their households joined:
# short name, challenge slug, action code, days ago.
RESIDENT_ACTIONS = [
    ("anne", "zero-gaspi-au-centre-bourg", "compost", 6),
    ("anne", "zero-gaspi-au-centre-bourg", "vrac", 5),
    ("paul", "zero-gaspi-au-centre-bourg", "compost", 3),
    ("anne", "lhiver-sans-gaspiller-leau", "douche-courte", 4),
    ("paul", "lhiver-sans-gaspiller-leau", "douche-courte", 2),
    ("anne", "lhiver-sans-gaspiller-leau", "mousseur-robinet", 1),
    ("samir", "la-gare-covoiture", "covoiturage", 3),
    ("samir", "la-gare-covoiture", "velo-courses", 2),
]
# Generated households taking part in each challenge, and the most actions
# each logged.
PARTICIPANTS = 6
MAX_ACTIONS = 3
# Share of a neighbourhood's generated households signed up by its ambassador.
ONBOARDED_SHARE = 0.5


def _conf(town: TownPage, key: str) -> int:
    return policy(town).moderation[key]


def seed_demo_life(town: TownPage, now: datetime) -> None:
    """Faces, onboarded households, challenges under way, shops, conversations."""
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    cast = _cast(town, now)
    _give_faces(cast)
    demo_households = {m.household_id for m in cast.values() if m.household_id}
    # Samir's household came through Inès's door-to-door visits.
    demo_households.discard(cast["samir"].household_id)
    _onboard_households(
        town, now, rng, demo_households, always={cast["samir"].household_id}
    )
    _fill_challenges(town, now, rng, cast)
    _create_shops(town, now)
    _create_conversations(town, now, rng, cast)
    _create_chat(town, cast)


def _cast(town: TownPage, now: datetime) -> dict[str, Member]:
    """The members who speak in the demo, by short name."""
    emails = {f"{local}@{EMAIL_DOMAIN}": key for key, local in ACCOUNTS.items()}
    cast = {
        emails[m.user.username]: m
        for m in Member.objects.filter(
            town=town, user__username__in=emails
        ).select_related("user", "household")
    }
    settled = now - timedelta(days=_conf(town, "TRUSTED_DAYS") + 60)
    for position, slug in enumerate(REGULAR_NEIGHBOURHOODS):
        cast[f"regular-{position}"] = (
            Member.objects.filter(
                town=town,
                household__neighbourhood__slug=slug,
                household__status=HouseholdStatus.ACTIVE,
                created_at__lte=settled,
                user__username__startswith="foyer",
            )
            .select_related("household")
            .order_by("pk")
            .first()
        )
    return cast


def _give_faces(cast: dict[str, Member]) -> None:
    """The regulars' names, and a drawn portrait for most of the cast.

    Through the profile's own action, as a member changing theirs.
    """
    from community.actions import do_update_profile

    for position, (key, member) in enumerate(sorted(cast.items())):
        name = member.display_name
        if key.startswith("regular-"):
            name = REGULAR_NAMES[int(key.split("-")[1])]
        elif key in WITHOUT_PHOTO:
            continue
        face = portrait(SEED + position, long_hair=key in LONG_HAIR)
        do_update_profile(
            member,
            display_name=name,
            preferred_language=member.preferred_language,
            avatar=None if key in WITHOUT_PHOTO else as_upload(face, "portrait.jpg"),
        )


def _onboard_households(
    town: TownPage,
    now: datetime,
    rng: random.Random,
    demo_households: set[int],
    always: set[int],
) -> None:
    """Doors knocked on by each ambassador in the neighbourhoods they cover.

    About half the generated households of a neighbourhood came through its
    ambassador (a visit « inscrit » and the follow-up link), and every
    ambassador also met doors that stayed closed or undecided. Addresses older
    than the retention period are erased, as the purge would have done.
    """
    from ambassadors.models import AmbassadorPage, Onboarding, Visit
    from ambassadors.models.visits import VisitOutcome, address_key

    undecided = [
        VisitOutcome.ABSENT,
        VisitOutcome.NOT_INTERESTED,
        VisitOutcome.INTERESTED,
    ]

    retention = timedelta(days=settings.SMARTCITIZEN["VISIT_ADDRESS_RETENTION_DAYS"])
    streets = [
        "rue des Lilas",
        "rue de la Gare",
        "allée des Tilleuls",
        "chemin du Moulin",
    ]
    onboardings, visits = [], []
    number = 0
    for page in AmbassadorPage.objects.descendant_of(town).prefetch_related(
        "neighbourhoods"
    ):
        for neighbourhood in page.neighbourhoods.all():
            households = Household.objects.filter(neighbourhood=neighbourhood).exclude(
                pk__in=demo_households
            )
            signed = 0
            for household in households.order_by("pk"):
                decided = household.created_at
                if household.status == HouseholdStatus.PRE_REGISTERED:
                    decided = now - timedelta(days=2)
                elif household.pk not in always and rng.random() >= ONBOARDED_SHARE:
                    continue
                signed += 1
                onboardings.append(
                    Onboarding(
                        household=household, ambassador=page.user, created_at=decided
                    )
                )
                visits.append(
                    (
                        page.user,
                        neighbourhood,
                        household,
                        decided,
                        VisitOutcome.SIGNED_UP,
                    )
                )
            # Doors where nobody signed up, about one for three sign-ups.
            for _ in range(signed // 3 + 5):
                outcome = rng.choice(undecided)
                day = now - timedelta(days=rng.randint(1, 200))
                visits.append((page.user, neighbourhood, None, day, outcome))
    Onboarding.objects.bulk_create(onboardings)
    rows = []
    for user, neighbourhood, household, when, outcome in visits:
        number += 1
        erased = now - when > retention
        street, house = ("", "") if erased else (streets[number % 4], str(number))
        rows.append(
            Visit(
                ambassador=user,
                neighbourhood=neighbourhood,
                household=household,
                street=street,
                house_number=house,
                address_key=address_key(street, house) if not erased else "",
                visited_on=timezone.localdate(when),
                outcome=outcome,
                call_back_on=(
                    timezone.localdate(now) + timedelta(days=7)
                    if outcome == VisitOutcome.INTERESTED
                    else None
                ),
                created_at=when,
                updated_at=when,
                decided_at=when
                if outcome in (VisitOutcome.SIGNED_UP, VisitOutcome.NOT_INTERESTED)
                else None,
                address_erased_at=when + retention if erased else None,
            )
        )
    Visit.objects.bulk_create(rows)


def _fill_challenges(
    town: TownPage, now: datetime, rng: random.Random, cast: dict[str, Member]
) -> None:
    """Households in every running challenge, with the actions they logged.

    The demo residents join and log through the challenges' actions (their
    points, badges and notifications as a resident gets them); the generated
    households' actions go to the scoring core's ledger the same way, written
    in bulk on our side to keep the seed quick.
    """
    from challenges.actions.challenges import check_join, check_log_action
    from challenges.models import (
        ActionStatus,
        ChallengePage,
        LoggedAction,
        Participation,
    )
    from scoring import client as scoring

    challenges = list(
        ChallengePage.objects.live()
        .descendant_of(town)
        .prefetch_related("action_types")
    )
    by_slug = {challenge.slug: challenge for challenge in challenges}
    joined = set()
    for key, slug, code, days in RESIDENT_ACTIONS:
        member, challenge = cast[key], by_slug[slug]
        if (member.household_id, challenge.pk) not in joined:
            check_join(member, challenge)
            joined.add((member.household_id, challenge.pk))
        action_type = next(a for a in challenge.action_types.all() if a.code == code)
        check_log_action(
            member,
            challenge,
            action_type=action_type,
            occurred_at=now - timedelta(days=days, hours=2),
            idempotency_key=f"demo-{key}-{slug}-{code}-{days}",
        )
    participations, logged = [], []
    for challenge in challenges:
        chosen = _participants(town, challenge, rng)
        members = dict(
            Member.objects.filter(household__in=chosen)
            .order_by("-pk")
            .values_list("household_id", "pk")
        )
        codes = list(challenge.action_types.all())
        # The core takes actions at most ACTION_MAX_DELAY_DAYS old.
        days = min(
            settings.SMARTCITIZEN["ACTION_MAX_DELAY_DAYS"],
            max(1, (now - challenge.starts_at).days),
        )
        for household in chosen:
            participations.append(
                Participation(
                    challenge=challenge,
                    household=household,
                    joined_by_id=members[household.pk],
                    joined_at=challenge.starts_at + timedelta(hours=rng.randint(1, 48)),
                )
            )
            for position in range(rng.randint(0, MAX_ACTIONS)):
                action_type = rng.choice(codes)
                occurred = now - timedelta(
                    days=rng.randint(0, days - 1), hours=position + 1
                )
                key = f"demo-{challenge.pk}-{household.pk}-{position}"
                answer = scoring.log_action(
                    household,
                    action=action_type.code,
                    domain=action_type.domain,
                    occurred_at=occurred,
                    idempotency_key=key,
                )
                logged.append(
                    LoggedAction(
                        challenge=challenge,
                        household=household,
                        member_id=members[household.pk],
                        action_type=action_type,
                        occurred_at=occurred,
                        created_at=occurred,
                        idempotency_key=key,
                        points_awarded=int(answer.get("points_awarded") or 0),
                        status=ActionStatus.COUNTED,
                    )
                )
    Participation.objects.bulk_create(participations)
    LoggedAction.objects.bulk_create(logged)


def _participants(town: TownPage, challenge, rng: random.Random) -> list[Household]:
    """Generated households of the challenge's neighbourhood, or of each one."""
    from challenges.models.pages import Scope

    generated = Household.objects.filter(
        status=HouseholdStatus.ACTIVE, members__user__username__startswith="foyer"
    ).distinct()
    if challenge.scope == Scope.NEIGHBOURHOOD:
        areas = [challenge.neighbourhood_id]
    else:
        areas = list(town.neighbourhoods.order_by("pk").values_list("pk", flat=True))
    share = max(2, PARTICIPANTS // len(areas)) if len(areas) > 1 else PARTICIPANTS
    chosen = []
    for area in areas:
        pool = list(generated.filter(neighbourhood_id=area).order_by("pk")[: share * 4])
        chosen += rng.sample(pool, min(share, len(pool)))
    return chosen


def _create_shops(town: TownPage, now: datetime) -> None:
    """The local shops taking part, each with a couple of offers."""
    from challenges.models import Reward, Shop

    valid_from = timezone.localdate(now) - timedelta(days=30)
    for name, address, offers in SHOPS:
        shop = Shop.objects.create(town=town, name=name, address=address)
        Reward.objects.bulk_create(
            Reward(
                shop=shop,
                title=title,
                description=description,
                points=points,
                stock=stock,
                monthly_cap=cap,
                valid_from=valid_from,
                valid_until=valid_from + timedelta(days=365),
            )
            for title, description, points, stock, cap in offers
        )


def _create_conversations(
    town: TownPage, now: datetime, rng: random.Random, cast: dict[str, Member]
) -> None:
    """Posts and replies through feeds' actions, until the regulars are trusted.

    The trusted regulars write TRUSTED_ACTIVITY posts and comments in all;
    Anne, Paul, Samir and the other regulars a few, more than
    NEW_MEMBER_ACTIVITY; Zoé one post. Within the
    per-member rate limits, so that the demo accounts can write at once.
    """
    from feeds.actions import check_add_comment, check_create_post
    from feeds.models import Comment, Post

    neighbourhoods = {n.slug: n.pk for n in town.neighbourhoods.all()}
    speakers = [key for key in cast if key.startswith("regular-")]
    speakers += ["anne", "samir", "paul"]
    written = dict.fromkeys(cast, 0)
    replies = iter(REPLIES * 40)
    posts: list[Post] = []
    dates: dict[tuple[str, int], datetime] = {}

    def reply(post: Post, author: str, hours: int, body: str = "") -> None:
        comment = check_add_comment(
            cast[author],
            post,
            body=body or next(replies),
            client_key=f"demo-comment-{post.pk}-{written[author]}-{author}",
        )
        written[author] += 1
        when = dates[("post", post.pk)] + timedelta(hours=hours)
        dates[("comment", comment.pk)] = min(now - timedelta(minutes=5), when)

    def talk_until(key: str, target: int) -> None:
        while written[key] < target:
            post = rng.choice([p for p in posts if p.author_id != cast[key].pk])
            reply(post, key, rng.randint(4, 40))

    for position, (author, slug, days, body, picture) in enumerate(POSTS):
        images, alts = (), ()
        if picture is not None:
            # Pictures are for members past the newcomer's first days.
            talk_until(author, _conf(town, "NEW_MEMBER_ACTIVITY") + 1)
            images = (as_upload(SCENES[picture](), f"{picture}.jpg"),)
            alts = (CAPTIONS[picture],)
        post = check_create_post(
            cast[author],
            body=body,
            client_key=f"demo-post-{position}",
            target="neighbourhood" if slug else "town",
            neighbourhood_id=neighbourhoods.get(slug),
            images=images,
            image_alts=alts,
        )
        written[author] += 1
        posts.append(post)
        dates[("post", post.pk)] = now - timedelta(days=days, hours=rng.randint(1, 9))
        for hours, (other, body) in enumerate(FIRST_REPLIES.get(position, []), 1):
            reply(post, other, hours, body)
        others = [key for key in speakers if key != author]
        reply(post, rng.choice(others), rng.randint(4, 9))
    # Some regulars go on talking until each reaches the trusted level.
    for key in TRUSTED_REGULARS:
        talk_until(key, _conf(town, "TRUSTED_ACTIVITY"))
    for (kind, pk), when in dates.items():
        model = Post if kind == "post" else Comment
        model.objects.filter(pk=pk).update(created_at=when)


def _create_chat(town: TownPage, cast: dict[str, Member]) -> None:
    """A few messages in Centre-Bourg's room and between Samir and Anne."""
    from feeds.actions.chat import (
        check_send_message,
        get_or_create_direct_room,
        get_or_create_neighbourhood_room,
    )

    room = get_or_create_neighbourhood_room(cast["anne"].household.neighbourhood)
    for position, (key, body) in enumerate(NEIGHBOURHOOD_CHAT):
        check_send_message(
            cast[key], room, body=body, client_key=f"demo-chat-{position}"
        )
    for position, (key, other, body) in enumerate(DIRECT_CHAT):
        direct = get_or_create_direct_room(cast[key], cast[other])
        check_send_message(
            cast[key], direct, body=body, client_key=f"demo-dm-{position}"
        )

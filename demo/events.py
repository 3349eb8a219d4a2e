"""The demo town's events (docs/events.md): a repair café, a visit of the solar
installation (full, with a waiting list), the producers' market, a water
workshop, and a past compost workshop whose attendance was confirmed.

Idempotent: the events page is made if missing (a database seeded before the
events existed), and the events only when the page has none.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.text import slugify

from community.models import Member, TownPage
from community.roles import Role
from events.actions import check_confirm_presence, check_register
from events.models import EventIndexPage, EventPage, Registration, RegistrationStatus
from events.wagtail_hooks import new_event_index

# The demo's place of the solar visit: near the town's map centre
# (demo/reports.py MAPS), inside its bounds.
SOLAR_OFFSET = (0.004, -0.006)


def seed_demo_events(town: TownPage) -> None:
    """The events page of the demo town and its five events, once."""
    index = EventIndexPage.objects.child_of(town).first()
    if index is None:
        index = new_event_index()
        town.add_child(instance=index)
        index.save_revision().publish()
    if EventPage.objects.child_of(index).exists():
        return
    # One member per household (a household registers once), oldest first.
    residents: list[Member] = []
    households: set[int] = set()
    members = Member.objects.filter(
        town=town, household__isnull=False, is_former_member=False
    ).order_by("pk")
    for member in members.iterator():
        if member.household_id not in households:
            households.add(member.household_id)
            residents.append(member)
        if len(residents) == 8:
            break
    moderator = (
        Member.objects.filter(
            town=town,
            user__groups__town_role__town=town,
            user__groups__town_role__role=Role.MODERATOR,
        )
        .order_by("pk")
        .first()
    )
    if len(residents) < 6:
        return
    today = timezone.localdate()

    def at(days: int, hour: int) -> datetime:
        moment = datetime.combine(today + timedelta(days=days), time(hour))
        return timezone.make_aware(moment)

    from demo.reports import MAPS

    centre = MAPS.get(town.slug, (None, (None, None)))[1]
    solar_position = {}
    if centre[0] is not None:
        solar_position = {
            "latitude": round(centre[0] + SOLAR_OFFSET[0], 5),
            "longitude": round(centre[1] + SOLAR_OFFSET[1], 5),
        }

    repair = _event(
        index,
        "Café réparation",
        "Apportez un grille-pain, une lampe, un vélo : on répare ensemble.",
        domain="waste",
        start=at(4, 14),
        hours=3,
        place_name="Salle des fêtes",
        address="Place de la Mairie",
        capacity=12,
        organiser=residents[0],
    )
    solar = _event(
        index,
        "Visite de l'installation solaire",
        "Visite des panneaux de l'école et de leur production, avec l'équipe.",
        domain="energy",
        start=at(6, 10),
        hours=2,
        place_name="École des Tilleuls",
        address="Rue des Écoles",
        capacity=6,
        organiser=moderator,
        **solar_position,
    )
    market = _event(
        index,
        "Marché des producteurs",
        "Légumes de saison, fromages et pain des fermes voisines.",
        domain="local_food",
        start=at(2, 8),
        hours=5,
        place_name="Halle du marché",
        address="Place du Marché",
        capacity=80,
        attendance_points=5,
    )
    _event(
        index,
        "Atelier économies d'eau",
        "Poser un mousseur, repérer une fuite, lire son compteur.",
        domain="water",
        start=at(9, 18),
        hours=2,
        place_name="Maison des associations",
        capacity=15,
        organiser=moderator,
    )
    # The solar visit: full (3 households of 2), two households waiting.
    for member in residents[:5]:
        check_register(member, solar, 2)
    check_register(residents[5], repair, 2)
    check_register(residents[0], market, 3)

    past = _event(
        index,
        "Atelier compost",
        "Monter un composteur de quartier et apprendre à l'entretenir.",
        domain="waste",
        start=at(-10, 15),
        hours=2,
        place_name="Jardin partagé",
        capacity=10,
        organiser=moderator,
    )
    # Registrations made before the workshop (the seed writes them as they were).
    for member in residents[:3]:
        Registration.objects.create(
            event=past,
            household_id=member.household_id,
            member=member,
            people=1,
            status=RegistrationStatus.CONFIRMED,
            queued_at=past.start - timedelta(days=5),
            confirmed_at=past.start - timedelta(days=5),
        )
    if moderator is not None:
        for registration in Registration.objects.filter(event=past).order_by("pk")[:2]:
            check_confirm_presence(moderator.user, past, registration.pk)


def _event(
    index: EventIndexPage,
    title: str,
    summary: str,
    *,
    start: datetime,
    hours: int,
    attendance_points: int = 10,
    **fields,
) -> EventPage:
    event = EventPage(
        title=title,
        # ASCII slugs, as a resident's proposal gets (events.actions).
        slug=slugify(title),
        summary=summary,
        start=start,
        end=start + timedelta(hours=hours),
        attendance_points=attendance_points,
        live=False,
        **fields,
    )
    index.add_child(instance=event)
    event.save_revision().publish()
    event.refresh_from_db()
    return event

"""Reads of events that depend on who asks: lists, an event's state for a
household, the attendees list (docs/events.md)."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.core.paginator import Paginator
from django.db.models import IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from community.domains import Domain
from community.models import Member, TownPage
from community.queries import member_of
from community.roles import is_moderator
from events.models import (
    EVENTS_PER_PAGE,
    MAX_PEOPLE_PER_HOUSEHOLD,
    EventIndexPage,
    EventPage,
    Registration,
    RegistrationStatus,
)

# The town feed shows the events of the last 30 days besides the coming ones.
CALENDAR_PAST_DAYS = 30


def _taken_subquery() -> Coalesce:
    confirmed = (
        Registration.objects.filter(
            event=OuterRef("pk"), status=RegistrationStatus.CONFIRMED
        )
        .order_by()
        .values("event")
        .annotate(total=Sum("people"))
        .values("total")
    )
    return Coalesce(Subquery(confirmed, output_field=IntegerField()), 0)


def events_of(index: EventIndexPage) -> QuerySet[EventPage]:
    """Live, public events of an index, with their confirmed people (`taken`)."""
    return (
        EventPage.objects.live()
        .public()
        .child_of(index)
        .annotate(taken=_taken_subquery())
    )


def listed_events(
    index: EventIndexPage, *, domain: str = "", past: bool = False
) -> QuerySet[EventPage]:
    """Coming (and ongoing) events by date, or past ones newest first."""
    now = timezone.now()
    events = events_of(index)
    if past:
        events = events.filter(end__lt=now).order_by("-start", "pk")
    else:
        events = events.filter(end__gte=now).order_by("start", "pk")
    if domain:
        events = events.filter(domain=domain)
    return events


def index_context(request: HttpRequest, index: EventIndexPage) -> dict:
    """The index page's list: a page of events, the filters, the household's ones."""
    domain = request.GET.get("domaine", "")
    if domain not in Domain.values:
        domain = ""
    past = request.GET.get("passes") == "1"
    events = listed_events(index, domain=domain, past=past)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    statuses = household_statuses(request.user, page.object_list)
    for event in page.object_list:
        event.household_status = statuses.get(event.pk, "")
    return {
        "events": page,
        "domain": domain,
        "past": past,
        "domains": Domain.choices,
    }


def household_statuses(user: User | AnonymousUser, events) -> dict[int, str]:
    """The status of the user's household's registration per event id (one query)."""
    member = member_of(user)
    if member is None or member.household_id is None:
        return {}
    return dict(
        Registration.objects.filter(
            household_id=member.household_id, event_id__in=[e.pk for e in events]
        )
        .exclude(status=RegistrationStatus.CANCELLED)
        .values_list("event_id", "status")
    )


def town_of_event(event: EventPage) -> TownPage | None:
    """The event's town (kept on the object: asked several times a request)."""
    if not hasattr(event, "_town"):
        # A new page's preview in the admin has no place in the tree yet.
        event._town = (
            TownPage.objects.ancestor_of(event).first() if event.path else None
        )
    return event._town


def event_in_town(event: EventPage, town_id: int) -> bool:
    """A live event of this town (members act on their own town's events only)."""
    if not event.live:
        return False
    town = town_of_event(event)
    return town is not None and town.pk == town_id


def can_manage(user: User | AnonymousUser, event: EventPage) -> bool:
    """The event's organiser, or a moderator of its town, sees the attendees."""
    town = town_of_event(event)
    if town is None or not user.is_authenticated:
        return False
    member = member_of(user)
    if (
        member is not None
        and member.town_id == town.pk
        and event.organiser_id == member.pk
    ):
        return True
    return is_moderator(user, town)


def confirmed_people(event: EventPage) -> int:
    """Confirmed people of the event (under its lock when a write follows)."""
    return (
        Registration.objects.filter(
            event=event, status=RegistrationStatus.CONFIRMED
        ).aggregate(total=Sum("people"))["total"]
        or 0
    )


def event_context(request: HttpRequest, event: EventPage) -> dict:
    """What an event page shows: places left, the household's registration."""
    from events.actions import waiting_position

    member = member_of(request.user)
    town = town_of_event(event)
    in_town = member is not None and town is not None and member.town_id == town.pk
    registration = None
    position = None
    if in_town and member.household_id is not None:
        registration = (
            Registration.objects.filter(event=event, household_id=member.household_id)
            .exclude(status=RegistrationStatus.CANCELLED)
            .first()
        )
        if registration and registration.status == RegistrationStatus.WAITING:
            position = waiting_position(registration)
    taken = confirmed_people(event) if event.pk else 0
    limit = min(event.capacity, MAX_PEOPLE_PER_HOUSEHOLD)
    return {
        "town": town,
        "current_member": member,
        "in_town": in_town,
        "registration": registration,
        "waiting_position": position,
        "places_left": max(0, event.capacity - taken),
        "people_choices": range(1, limit + 1),
        "can_register": in_town
        and member.household_id is not None
        and registration is None
        and not event.started,
        "can_manage": can_manage(request.user, event) if event.pk else False,
    }


@dataclass
class AttendeeRow:
    registration: Registration
    names: list[str]
    position: int | None  # on the waiting list


def attendees(event: EventPage) -> dict[str, list[AttendeeRow]]:
    """Registered and waiting households with their members' names: two queries."""
    registrations = (
        Registration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("household")
        .prefetch_related(
            Prefetch(
                "household__members",
                queryset=Member.objects.only("pk", "display_name", "household_id"),
            )
        )
        .order_by("queued_at", "pk")
    )
    confirmed: list[AttendeeRow] = []
    waiting: list[AttendeeRow] = []
    for registration in registrations:
        names = [m.display_name for m in registration.household.members.all()]
        if registration.status == RegistrationStatus.WAITING:
            waiting.append(AttendeeRow(registration, names, len(waiting) + 1))
        else:
            confirmed.append(AttendeeRow(registration, names, None))
    return {"confirmed": confirmed, "waiting": waiting}


def calendar_events(town: TownPage) -> QuerySet[EventPage]:
    """The town feed: coming events and those of the last 30 days."""
    since = timezone.now() - timedelta(days=CALENDAR_PAST_DAYS)
    return (
        EventPage.objects.live()
        .public()
        .descendant_of(town)
        .filter(end__gte=since)
        .order_by("start", "pk")
    )


def event_of_town(town: TownPage, event_id: int) -> EventPage | None:
    """A live, public event of this town, else None (another town's: None)."""
    return (
        EventPage.objects.live()
        .public()
        .descendant_of(town)
        .filter(pk=event_id)
        .first()
    )

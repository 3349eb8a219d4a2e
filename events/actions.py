"""Every write to the events tables goes through here.

Places are counted in people. Every change of a registration's status takes a
lock on the event's row first (`_locked_event`: SELECT … FOR UPDATE), then
counts the confirmed people: two registrations at once are serialised on that
lock, so an event is never overbooked, and the waiting list moves up in the
same transaction as the cancellation that freed the places.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.coreutils import find_available_slug
from wagtail.models import WorkflowState

from common.notify import send_notification, translatable_excerpt
from common.proposals import check_open_workflow, do_submit_draft
from common.ratelimit import check_rate
from community.models import Member
from community.queries import member_of
from community.towns import page_path
from events.models import (
    MAX_PEOPLE_PER_HOUSEHOLD,
    EventIndexPage,
    EventPage,
    Registration,
    RegistrationStatus,
    town_of_index,
)
from events.queries import can_manage, confirmed_people, event_in_town
from reports import geo
from scoring import client as scoring
from scoring.actions.catalogue import ensure_action_type
from scoring.models import ProofLevel

logger = logging.getLogger(__name__)

NOTIFY_VERB = "event"
MOVED_UP_EXCERPT = gettext_noop(
    "Une place s'est libérée : votre foyer est inscrit à « %(title)s »."
)
APPROVED_EXCERPT = gettext_noop("Votre événement « %(title)s » est publié. Merci !")
REJECTED_EXCERPT = gettext_noop(
    "Votre événement « %(title)s » n'a pas été publié. Commentaire : %(comment)s"
)
REMINDER_EXCERPT = gettext_noop("Rappel : « %(title)s » commence demain, %(when)s.")


@dataclass(frozen=True)
class RegisterResult:
    registration: Registration
    waiting_position: int | None  # None: the household has its places


def check_propose_event(
    member: Member,
    index: EventIndexPage,
    *,
    title: str,
    summary: str,
    domain: str,
    start: datetime,
    end: datetime,
    place_name: str,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    capacity: int,
) -> EventPage:
    """Create a member's event as a draft and submit it to the moderation workflow."""
    town = town_of_index(index)
    if town is None or member.town_id != town.pk:
        raise PermissionDenied
    if end <= start:
        raise ValidationError(_("La fin doit venir après le début."), code="end")
    if start <= timezone.now():
        raise ValidationError(
            _("L'événement doit avoir lieu dans le futur."), code="past"
        )
    if (latitude is None) != (longitude is None):
        raise ValidationError(
            _("Donnez la latitude et la longitude, ou aucune des deux."),
            code="bad_position",
        )
    if latitude is not None:
        geo.check_position(town, latitude, longitude)
    workflow = check_open_workflow(index)
    check_rate(
        member,
        "tip_proposal",
        _(
            "Vous avez fait plusieurs propositions aujourd'hui et les modérateurs "
            "les relisent : réessayez dans %(minutes)d min au plus. Votre texte "
            "est conservé ci-dessous."
        ),
    )
    event = EventPage(
        title=title.strip(),
        slug=find_available_slug(index, slugify(title)[:200] or "evenement"),
        summary=summary.strip(),
        domain=domain,
        start=start,
        end=end,
        place_name=place_name.strip(),
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        capacity=capacity,
        organiser=member,
        live=False,
        owner=member.user,
    )
    do_submit_draft(member, index, event, workflow)
    return event


def do_notify_organiser_of_review(
    workflow_state: WorkflowState, approved: bool
) -> None:
    """Tell the proposer of an event that moderators published it, or why not."""
    event = getattr(workflow_state.content_object, "specific", None)
    if not isinstance(event, EventPage) or event.organiser is None:
        return
    task_state = workflow_state.current_task_state
    comment = (task_state.specific.comment if task_state else "") or ""
    args = {"title": event.title}
    if approved:
        excerpt, page = APPROVED_EXCERPT, event
    else:
        excerpt, page = REJECTED_EXCERPT, event.get_parent()
        args["comment"] = comment or "—"
    data = {
        "kind": NOTIFY_VERB,
        "actor_name": _("L'équipe de modération"),
        "title": event.title,
        "url": page_path(page),
        "excerpt": _(excerpt) % args,
        **translatable_excerpt(excerpt, args),
    }
    send_notification(event.organiser.user_id, actor=event, verb=NOTIFY_VERB, data=data)


def _locked_event(event: EventPage) -> EventPage:
    """The event's own row, locked until the transaction ends (see the module)."""
    return (
        EventPage.objects.select_for_update(of=("self",))
        .only("pk", "capacity", "start", "title")
        .get(pk=event.pk)
    )


def waiting_position(registration: Registration) -> int:
    """1 for the first household of the waiting list."""
    return (
        Registration.objects.filter(
            event_id=registration.event_id,
            status=RegistrationStatus.WAITING,
            queued_at__lte=registration.queued_at,
        )
        .exclude(queued_at=registration.queued_at, pk__gt=registration.pk)
        .count()
    )


def _check_can_register(member: Member, event: EventPage, people: int) -> None:
    if member.household_id is None:
        raise ValidationError(
            _("Seul un membre d'un foyer peut inscrire son foyer."), code="no_household"
        )
    if not event_in_town(event, member.town_id):
        raise PermissionDenied
    if event.started:
        raise ValidationError(
            _("Cet événement a déjà commencé : les inscriptions sont closes."),
            code="started",
        )
    limit = min(event.capacity, MAX_PEOPLE_PER_HOUSEHOLD)
    if not 1 <= people <= limit:
        raise ValidationError(
            _("Inscrivez entre 1 et %(limit)d personnes.") % {"limit": limit},
            code="people",
        )


def check_register(member: Member, event: EventPage, people: int) -> RegisterResult:
    """Register the member's household: places if they fit, else the waiting list."""
    _check_can_register(member, event, people)
    now = timezone.now()
    with transaction.atomic():
        locked = _locked_event(event)
        registration = (
            Registration.objects.select_for_update()
            .filter(event=locked, household_id=member.household_id)
            .first()
        )
        if registration is not None and registration.status != (
            RegistrationStatus.CANCELLED
        ):
            raise ValidationError(
                _("Votre foyer est déjà inscrit à cet événement."), code="registered"
            )
        fits = confirmed_people(locked) + people <= locked.capacity
        status = RegistrationStatus.CONFIRMED if fits else RegistrationStatus.WAITING
        if registration is None:
            registration = Registration(event=locked, household_id=member.household_id)
        registration.member = member
        registration.people = people
        registration.status = status
        registration.queued_at = now
        registration.confirmed_at = now if fits else None
        registration.cancelled_at = None
        registration.reminder_sent_at = None
        registration.save()
        position = None if fits else waiting_position(registration)
    return RegisterResult(registration, position)


def check_cancel(member: Member, event: EventPage) -> list[Registration]:
    """Cancel the household's registration; answer the registrations moved up."""
    if member.household_id is None or not event_in_town(event, member.town_id):
        raise PermissionDenied
    if event.started:
        raise ValidationError(
            _(
                "Cet événement a déjà commencé : l'inscription ne peut plus "
                "être annulée."
            ),
            code="started",
        )
    with transaction.atomic():
        locked = _locked_event(event)
        registration = (
            Registration.objects.select_for_update()
            .filter(event=locked, household_id=member.household_id)
            .exclude(status=RegistrationStatus.CANCELLED)
            .first()
        )
        if registration is None:
            raise ValidationError(
                _("Votre foyer n'est pas inscrit à cet événement."),
                code="not_registered",
            )
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        return do_move_up_waiting_list(locked)


def do_move_up_waiting_list(locked: EventPage) -> list[Registration]:
    """Give freed places to the waiting list: the first ones that fit, in order.

    Call inside a transaction, with the event's row locked (`_locked_event`).
    The households moved up are notified (on commit, with the change).
    """
    free = locked.capacity - confirmed_people(locked)
    if free <= 0:
        return []
    moved: list[Registration] = []
    now = timezone.now()
    waiting = Registration.objects.select_for_update().filter(
        event=locked, status=RegistrationStatus.WAITING
    )
    for registration in waiting.order_by("queued_at", "pk"):
        if registration.people > free:
            continue
        free -= registration.people
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        moved.append(registration)
        if free == 0:
            break
    if moved:
        event = EventPage.objects.get(pk=locked.pk)
        _notify_households(event, [r.household_id for r in moved], MOVED_UP_EXCERPT, {})
    return moved


def do_capacity_changed(event: EventPage) -> list[Registration]:
    """After a publication (capacity raised): move the waiting list up."""
    with transaction.atomic():
        return do_move_up_waiting_list(_locked_event(event))


def _notify_households(
    event: EventPage, household_ids: list[int], excerpt: str, args: dict
) -> int:
    """One notification to every member of these households; answer the count."""
    args = {"title": event.title, **args}
    data = {
        "kind": NOTIFY_VERB,
        "actor_name": "",
        "title": event.title,
        "url": page_path(event),
        "excerpt": _(excerpt) % args,
        **translatable_excerpt(excerpt, args),
    }
    users = Member.objects.filter(
        household_id__in=household_ids, user__is_active=True
    ).values_list("user_id", flat=True)
    count = 0
    for user_id in users:
        send_notification(user_id, actor=event, verb=NOTIFY_VERB, data=data)
        count += 1
    return count


@dataclass(frozen=True)
class PresenceResult:
    newly_confirmed: bool
    points_awarded: int | None
    scoring_message: str = ""


def attendance_action_code(domain: str) -> str:
    return f"evenement-participation-{domain}"


def _occurred_at(event: EventPage, registration: Registration) -> datetime:
    """The event's start, unless older than the core accepts (ACTION_MAX_DELAY_DAYS):
    then the moment the presence was confirmed."""
    delay = timedelta(days=settings.SMARTCITIZEN["ACTION_MAX_DELAY_DAYS"])
    if event.start > timezone.now() - delay + timedelta(hours=1):
        return event.start
    return registration.attended_at or timezone.now()


def check_confirm_presence(
    user: User, event: EventPage, registration_id: int
) -> PresenceResult:
    """Confirm a household came (organiser or moderator, after the start): points once.

    The row is marked in a transaction; the points go to the scoring core after
    it, with one idempotency key per event and household: a second click (or a
    retry after the core was down) never awards twice.
    """
    if not can_manage(user, event):
        raise PermissionDenied
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .select_related("household")
            .filter(event=event, pk=registration_id)
            .first()
        )
        if registration is None:
            # Another event's (or another town's) registration: not found.
            raise Registration.DoesNotExist
        if not event.started:
            raise ValidationError(
                _("La présence se confirme une fois l'événement commencé."),
                code="not_started",
            )
        if registration.status != RegistrationStatus.CONFIRMED:
            raise ValidationError(
                _("Seul un foyer inscrit (hors liste d'attente) peut être confirmé."),
                code="not_confirmed",
            )
        newly = registration.attended_at is None
        if newly:
            registration.attended_at = timezone.now()
            registration.attendance_confirmed_by = member_of(user)
            registration.save(update_fields=["attended_at", "attendance_confirmed_by"])
    if registration.points_awarded is not None or not event.attendance_points:
        return PresenceResult(newly, None)
    household = registration.household
    code = attendance_action_code(event.domain)
    ensure_action_type(
        code,
        label=_("Participer à un événement de la commune"),
        domain=event.domain,
        fixed_points=1,
    )
    try:
        answer = scoring.log_action(
            household,
            action=code,
            domain=event.domain,
            occurred_at=_occurred_at(event, registration),
            idempotency_key=f"event-{event.pk}-household-{household.public_id}",
            proof=ProofLevel.CONFIRMED,
            quantity=event.attendance_points,
        )
    except scoring.ScoringUnavailable as error:
        return PresenceResult(newly, None, str(error.message))
    except scoring.ScoringError as error:
        logger.warning("event %s: attendance refused: %s", event.pk, error)
        return PresenceResult(
            newly, None, _("Les points de cette présence n'ont pas pu être comptés.")
        )
    points = int(answer.get("points_awarded") or 0)
    Registration.objects.filter(pk=registration.pk).update(points_awarded=points)
    return PresenceResult(newly, points)


def do_send_reminders(now: datetime | None = None) -> int:
    """Remind confirmed households of tomorrow's events, once per registration.

    A registration is claimed (its `reminder_sent_at` set where it was empty)
    before anything is sent: two runs at once never remind twice. Answers the
    number of registrations reminded.
    """
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import formats

    from community.towns import absolute_url

    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    registrations = (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            reminder_sent_at__isnull=True,
            event__live=True,
            # Tomorrow's only: the notice and the e-mail say « demain », and
            # an event later today (a household that registered after the
            # last run) would read « commence demain ».
            event__start__gt=now,
            event__start__date=tomorrow,
        )
        .select_related("event")
        .order_by("pk")
    )
    reminded = 0
    towns: dict[int, object] = {}
    for registration in registrations:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            event = registration.event
            when = formats.date_format(timezone.localtime(event.start), "l j F à H:i")
            _notify_households(
                event, [registration.household_id], REMINDER_EXCERPT, {"when": when}
            )
        town = towns.setdefault(event.pk, town_of_index(event))
        url = absolute_url(town, event.url or "/")
        # Each member's e-mail in their own language (French by default).
        by_language: dict[str, list[str]] = {}
        for email, language in (
            Member.objects.filter(
                household_id=registration.household_id, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", "preferred_language")
        ):
            by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
        for language, recipients in sorted(by_language.items()):
            with translation.override(language):
                context = {
                    "event": event,
                    "when": formats.date_format(
                        timezone.localtime(event.start), "l j F, H:i"
                    ),
                    "url": url,
                }
                send_mail(
                    _("Rappel : %(title)s, demain") % {"title": event.title},
                    render_to_string("events/reminder_email.txt", context),
                    None,
                    recipients,
                )
        reminded += 1
    return reminded

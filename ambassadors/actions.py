"""Every write of the ambassadors app.

`check_*` validate then write and raise ValidationError with a message for the
person before anything is written; `do_*` write. Every action an ambassador
takes on a visit or a household appends an AuditEntry in the same transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from notifications.signals import notify

from ambassadors.models import AssistedAction, AuditEntry, AuditKind, Onboarding, Visit
from ambassadors.models.visits import DECIDED_OUTCOMES, VisitOutcome, address_key
from ambassadors.queries import AmbassadorScope
from community import privacy
from community.actions import do_create_household, do_issue_invitation
from community.models import (
    ConsentRecord,
    Household,
    HouseholdStatus,
    Invitation,
    Member,
    Neighbourhood,
)
from scoring import client as scoring
from scoring.models import ActionType, ProofLevel


def _audit(
    actor: User | None,
    kind: str,
    *,
    household: Household | None = None,
    visit: Visit | None = None,
    **detail: object,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        kind=kind,
        household=household,
        household_public_id=household.public_id if household else "",
        visit=visit,
        detail=detail,
    )


# The forms' refusal of a forged choice says the same (ambassadors.forms).
OUTSIDE_NEIGHBOURHOODS = gettext_lazy(
    "Ce quartier n'est pas l'un des vôtres : vous ne pouvez agir que dans "
    "les quartiers de votre page d'ambassadeur. Rien n'a été enregistré."
)


def check_covers(scope: AmbassadorScope, neighbourhood: Neighbourhood | None) -> None:
    """Refuse, before any write, an ambassador acting outside their neighbourhoods."""
    if not scope.covers(neighbourhood):
        raise ValidationError(
            str(OUTSIDE_NEIGHBOURHOODS), code="outside_neighbourhoods"
        )


@dataclass(frozen=True)
class LoggedVisit:
    visit: Visit
    merged: bool


def check_log_visit(
    scope: AmbassadorScope,
    *,
    neighbourhood: Neighbourhood,
    street: str,
    house_number: str,
    outcome: str,
    call_back_on: date | None = None,
    visited_on: date | None = None,
) -> LoggedVisit:
    """Record a visit; a second report on the same door the same day merges.

    Merging keeps one row: the latest outcome wins, except that a visit which
    led to a pre-registration stays "signed up".
    """
    check_covers(scope, neighbourhood)
    street, house_number = street.strip(), house_number.strip()
    key = address_key(street, house_number)
    if not key or not street or not house_number:
        raise ValidationError(
            _("Indiquez la rue et le numéro de la porte visitée."), code="no_address"
        )
    today = timezone.localdate()
    visited_on = visited_on or today
    if visited_on > today:
        raise ValidationError(_("La visite ne peut pas être dans le futur."))
    if outcome not in VisitOutcome.values:
        raise ValidationError(_("Choisissez le résultat de la visite."))
    if outcome == VisitOutcome.INTERESTED:
        if call_back_on is None:
            raise ValidationError(
                _("Indiquez quand rappeler ce foyer intéressé."), code="no_call_back"
            )
        if call_back_on < visited_on:
            raise ValidationError(
                _("La date de rappel doit suivre la visite."), code="call_back_past"
            )
    else:
        call_back_on = None
    now = timezone.now()
    decided_at = now if outcome in DECIDED_OUTCOMES else None
    with transaction.atomic():
        # get_or_create survives a race on the unique constraint (one row per
        # ambassador, door and day); the row is then locked for the merge.
        visit, created = Visit.objects.get_or_create(
            ambassador=scope.user,
            neighbourhood=neighbourhood,
            address_key=key,
            visited_on=visited_on,
            address_erased_at__isnull=True,
            defaults={
                "street": street,
                "house_number": house_number,
                "outcome": outcome,
                "call_back_on": call_back_on,
                "created_at": now,
                "updated_at": now,
                "decided_at": decided_at,
            },
        )
        if created:
            _audit(scope.user, AuditKind.VISIT_LOGGED, visit=visit, outcome=outcome)
            return LoggedVisit(visit, merged=False)
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        previous = visit.outcome
        if visit.household_id is None:
            visit.outcome = outcome
            visit.call_back_on = call_back_on
            visit.decided_at = decided_at
        visit.street, visit.house_number = street, house_number
        visit.updated_at = now
        visit.save(
            update_fields=[
                "outcome",
                "call_back_on",
                "decided_at",
                "street",
                "house_number",
                "updated_at",
            ]
        )
        _audit(
            scope.user,
            AuditKind.VISIT_MERGED,
            household=visit.household,
            visit=visit,
            previous=previous,
            outcome=visit.outcome,
        )
    return LoggedVisit(visit, merged=True)


def check_pre_register(
    scope: AmbassadorScope,
    *,
    neighbourhood: Neighbourhood,
    domains: list[str],
    consent_text_id: int,
    contact: str = "",
    visit: Visit | None = None,
) -> tuple[Onboarding, Invitation]:
    """Pre-register a household with its consent and hand over an invitation.

    All or nothing: the household, its consent to the exact text shown, the
    follow-up link, the invitation and the audit lines are written together.
    """
    check_covers(scope, neighbourhood)
    if visit is not None and visit.household_id is not None:
        raise ValidationError(
            _("Ce foyer est déjà pré-inscrit depuis cette visite."),
            code="already_pre_registered",
        )
    allowed = set(scope.town.domains or [])
    if any(code not in allowed for code in domains):
        raise ValidationError(_("Choisissez parmi les domaines de la commune."))
    with transaction.atomic():
        if visit is not None:
            # Locked and checked again: two taps on a slow connection must not
            # pre-register the same door twice.
            visit = Visit.objects.select_for_update().get(pk=visit.pk)
            if visit.household_id is not None:
                raise ValidationError(
                    _("Ce foyer est déjà pré-inscrit depuis cette visite."),
                    code="already_pre_registered",
                )
        household = do_create_household(neighbourhood, domains)
        consent = privacy.check_record_household_consent(
            household, text_id=consent_text_id, recorded_by=scope.user
        )
        onboarding = Onboarding.objects.create(
            household=household,
            ambassador=scope.user,
            visit=visit,
            contact=contact.strip(),
        )
        invitation = do_issue_invitation(household, issued_by=scope.user)
        if visit is not None:
            visit.household = household
            visit.outcome = VisitOutcome.SIGNED_UP
            visit.call_back_on = None
            visit.decided_at = timezone.now()
            visit.updated_at = visit.decided_at
            visit.save(
                update_fields=[
                    "household",
                    "outcome",
                    "call_back_on",
                    "decided_at",
                    "updated_at",
                ]
            )
        _audit(
            scope.user,
            AuditKind.HOUSEHOLD_PRE_REGISTERED,
            household=household,
            visit=visit,
            neighbourhood=neighbourhood.pk,
            domains=list(domains),
        )
        _audit(
            scope.user,
            AuditKind.CONSENT_RECORDED,
            household=household,
            consent_text=consent.text.kind,
            version=consent.text.version,
        )
        _audit(
            scope.user,
            AuditKind.INVITATION_ISSUED,
            household=household,
            expires_at=invitation.expires_at.isoformat(),
        )
    return onboarding, invitation


def current_invitation(household: Household) -> Invitation | None:
    """The household's latest code still usable, if any."""
    return (
        household.invitations.filter(
            used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def check_issue_invitation(
    scope: AmbassadorScope, onboarding: Onboarding
) -> Invitation:
    """Hand a followed household a new code (a lost card, an expired code)."""
    household = onboarding.household
    check_covers(scope, household.neighbourhood)
    if household.status == HouseholdStatus.LEFT:
        raise ValidationError(_("Ce foyer a quitté le programme."))
    with transaction.atomic():
        invitation = do_issue_invitation(household, issued_by=scope.user)
        _audit(
            scope.user,
            AuditKind.INVITATION_ISSUED,
            household=household,
            expires_at=invitation.expires_at.isoformat(),
        )
    return invitation


def _occurred_at(day: date) -> datetime:
    now = timezone.localtime()
    if day >= now.date():
        return now
    # An earlier day: noon, a time that is on that day in every time zone shift.
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def check_log_assisted_action(
    scope: AmbassadorScope,
    onboarding: Onboarding,
    *,
    action_type: ActionType,
    occurred_on: date,
    idempotency_key: str,
) -> AssistedAction:
    """Log an action for a household without a device, through the scoring core.

    The scoring call comes first and is idempotent on the form's key, so a
    retried form awards once and records once.
    """
    household = onboarding.household
    check_covers(scope, household.neighbourhood)
    existing = AssistedAction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.household_id != household.pk:
            raise ValidationError(_("Ce formulaire a déjà servi pour un autre foyer."))
        return existing
    if not action_type.active:
        raise ValidationError(_("Cette action n'est plus au catalogue."))
    occurred_at = _occurred_at(occurred_on)
    try:
        answer = scoring.log_action(
            household,
            action=action_type.code,
            domain=action_type.domain,
            occurred_at=occurred_at,
            idempotency_key=idempotency_key,
            proof=ProofLevel.DECLARED,
        )
    except scoring.ScoringUnavailable:
        raise ValidationError(
            scoring.unavailable_message(), code="unavailable"
        ) from None
    except scoring.ScoringError as error:
        message = next(iter(error.fields.values()), None) or error.message
        raise ValidationError(str(message), code=error.code) from None
    with transaction.atomic():
        assisted = AssistedAction.objects.create(
            household=household,
            ambassador=scope.user,
            action_type=action_type,
            occurred_at=occurred_at,
            idempotency_key=idempotency_key,
            points_awarded=answer.get("points_awarded"),
        )
        _audit(
            scope.user,
            AuditKind.ACTION_LOGGED,
            household=household,
            action=action_type.code,
            occurred_at=occurred_at.isoformat(),
            points=answer.get("points_awarded"),
        )
    return assisted


def check_contest_assisted_action(
    member: Member, assisted: AssistedAction, reason: str
) -> AssistedAction:
    """The household says an action logged for it is wrong; moderators decide."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Dites-nous en quelques mots ce qui ne va pas."))
    if assisted.contested_at is not None:
        raise ValidationError(_("Vous avez déjà contesté cette action."))
    with transaction.atomic():
        assisted.contested_at = timezone.now()
        assisted.contest_reason = reason[:1000]
        assisted.save(update_fields=["contested_at", "contest_reason"])
        _audit(
            member.user,
            AuditKind.ACTION_CONTESTED,
            household=assisted.household,
            action=assisted.action_type.code,
            assisted_action=assisted.pk,
        )
        # The notification row is written in the same transaction as the contest.
        notify.send(
            assisted.household,
            recipient=assisted.ambassador,
            verb=_("a contesté une action saisie pour lui"),
            public=False,
        )
    return assisted


# Follow-ups and retention, run by management commands.


def do_send_call_back_reminders(today: date | None = None) -> int:
    """Notify ambassadors of call-backs due today or overdue; once per visit."""
    today = today or timezone.localdate()
    later = Visit.objects.filter(
        ambassador=OuterRef("ambassador"),
        neighbourhood=OuterRef("neighbourhood"),
        address_key=OuterRef("address_key"),
        visited_on__gt=OuterRef("visited_on"),
    )
    due = (
        Visit.objects.filter(
            outcome=VisitOutcome.INTERESTED,
            household__isnull=True,
            address_erased_at__isnull=True,
            reminder_sent_at__isnull=True,
            call_back_on__lte=today,
        )
        .exclude(Exists(later))
        .select_related("ambassador")
    )
    sent = 0
    for visit in due.iterator(chunk_size=200):
        with transaction.atomic():
            notify.send(
                visit,
                recipient=visit.ambassador,
                verb=_("rappel : un foyer intéressé attend votre appel"),
                description=_("Visite du %(day)s, à rappeler le %(date)s.")
                % {
                    "day": visit.visited_on.strftime("%d/%m/%Y"),
                    "date": visit.call_back_on.strftime("%d/%m/%Y"),
                },
                public=False,
                url=reverse("ambassadors:visit", args=[visit.pk]),
            )
            Visit.objects.filter(pk=visit.pk).update(reminder_sent_at=timezone.now())
        sent += 1
    return sent


def quiet_households(now: datetime | None = None):
    """Followed households with no activity for QUIET_HOUSEHOLD_DAYS."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.SMARTCITIZEN["QUIET_HOUSEHOLD_DAYS"])
    consenting = Exists(
        ConsentRecord.objects.filter(
            household=OuterRef("household"), withdrawn_at__isnull=True
        )
    )
    return (
        Onboarding.objects.filter(household__status=HouseholdStatus.ACTIVE)
        .filter(consenting)
        .annotate(
            last_login=Max("household__members__user__last_login"),
            last_assisted=Max("household__assisted_actions__created_at"),
        )
        .filter(household__joined_at__lt=since)
        # Aggregates are NULL without rows: an explicit test, not exclude().
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=since))
        .filter(Q(last_assisted__isnull=True) | Q(last_assisted__lt=since))
        .filter(Q(quiet_notified_at__isnull=True) | Q(quiet_notified_at__lt=since))
        .select_related("household", "ambassador")
    )


def do_send_quiet_notices(now: datetime | None = None) -> int:
    """Tell ambassadors which of their households have gone quiet, once a period."""
    now = now or timezone.now()
    days = settings.SMARTCITIZEN["QUIET_HOUSEHOLD_DAYS"]
    sent = 0
    for onboarding in quiet_households(now).iterator(chunk_size=200):
        household = onboarding.household
        with transaction.atomic():
            notify.send(
                household,
                recipient=onboarding.ambassador,
                verb=_("n'a pas donné signe de vie depuis %(days)s jours")
                % {"days": days},
                public=False,
                url=reverse("ambassadors:household", args=[household.public_id]),
            )
            Onboarding.objects.filter(pk=onboarding.pk).update(quiet_notified_at=now)
        sent += 1
    return sent


def do_purge_visit_addresses(now: datetime | None = None) -> int:
    """Erase visit addresses (and households' contacts) past their retention.

    A door's address goes VISIT_ADDRESS_RETENTION_DAYS after its household
    signed up or refused, or after that long without news since the last visit;
    every visit of that ambassador to that door is erased with it.
    """
    now = now or timezone.now()
    days = settings.SMARTCITIZEN["VISIT_ADDRESS_RETENTION_DAYS"]
    limit = now - timedelta(days=days)
    stale_day = timezone.localtime(limit).date()
    live = Visit.objects.filter(address_erased_at__isnull=True)
    expired_doors = (
        live.filter(Q(decided_at__lte=limit) | Q(decided_at__isnull=True))
        .values("ambassador_id", "neighbourhood_id", "address_key")
        .annotate(last_visit=Max("visited_on"), last_decision=Max("decided_at"))
        .filter(
            Q(last_decision__lte=limit)
            | Q(last_decision__isnull=True, last_visit__lt=stale_day)
        )
    )
    erased = 0
    with transaction.atomic():
        for door in expired_doors:
            # A more recent decision on the door (a later visit) keeps it.
            if live.filter(
                ambassador_id=door["ambassador_id"],
                neighbourhood_id=door["neighbourhood_id"],
                address_key=door["address_key"],
                decided_at__gt=limit,
            ).exists():
                continue
            erased += live.filter(
                ambassador_id=door["ambassador_id"],
                neighbourhood_id=door["neighbourhood_id"],
                address_key=door["address_key"],
            ).update(street="", house_number="", address_key="", address_erased_at=now)
        Onboarding.objects.filter(created_at__lte=limit).exclude(contact="").update(
            contact=""
        )
    return erased

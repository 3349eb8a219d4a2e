"""Every write to the challenges tables goes through here.

Points live in the scoring core: an action is first sent to it with the form's
idempotency key (the core awards a key once), then recorded here with its
badges and the live leaderboard event in one transaction. A retry of the same
form after a failure between the two finds the core's replay and records the
row then; a double submit finds our row and changes nothing.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from notifications.signals import notify

from challenges import queries
from challenges.images import make_proof_photo
from challenges.models import (
    Badge,
    BadgeKind,
    ChallengePage,
    GoalKind,
    LoggedAction,
    Participation,
)
from community.models import Member
from realtime.groups import leaderboard_stream
from realtime.publish import publish
from scoring import client as scoring
from scoring.models import ActionType, ProofLevel

logger = logging.getLogger(__name__)

FIVE_ACTIONS = 5
# A phone's clock a little ahead of ours is not an action "in the future".
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class LogResult:
    action: LoggedAction
    replayed: bool
    badges: list[Badge] = field(default_factory=list)


def _require_participant(member: Member, challenge: ChallengePage) -> Participation:
    participation = queries.participation_of(member.household_id, challenge)
    if participation is None:
        raise PermissionDenied
    return participation


def do_publish_leaderboard(challenge: ChallengePage) -> None:
    """Send the challenge's leaderboard, rendered as on its page, to its stream."""
    board = queries.leaderboard(challenge)
    html = render_to_string(
        "challenges/includes/leaderboard.html", {"board": board, "challenge": challenge}
    )
    publish(leaderboard_stream(challenge.pk), "leaderboard.updated", {"html": html})


def check_join(member: Member, challenge: ChallengePage) -> Participation:
    """Put the member's household in a challenge (again, if it had left)."""
    if not queries.may_join(member, challenge):
        raise PermissionDenied
    with transaction.atomic():
        participation, created = (
            Participation.objects.select_for_update().get_or_create(
                challenge=challenge,
                household_id=member.household_id,
                defaults={"joined_by": member},
            )
        )
        if not created and participation.left_at is not None:
            participation.left_at = None
            participation.joined_at = timezone.now()
            participation.joined_by = member
            participation.save(update_fields=["left_at", "joined_at", "joined_by"])
        elif not created:
            return participation
        do_publish_leaderboard(challenge)
    return participation


def do_leave(member: Member, challenge: ChallengePage) -> None:
    """Take the member's household out of a challenge; its actions stay logged."""
    with transaction.atomic():
        updated = Participation.objects.filter(
            challenge=challenge, household_id=member.household_id, left_at__isnull=True
        ).update(left_at=timezone.now())
        if updated:
            do_publish_leaderboard(challenge)


def _check_action_fields(
    challenge: ChallengePage, action_type: ActionType, occurred_at: datetime
) -> None:
    errors: dict[str, str] = {}
    if not challenge.action_types.filter(pk=action_type.pk, active=True).exists():
        errors["action_type"] = _("Cette action ne compte pas pour ce défi.")
    now = timezone.now()
    max_days = settings.SMARTCITIZEN["ACTION_MAX_DELAY_DAYS"]
    if occurred_at > now + CLOCK_SKEW:
        errors["occurred_at"] = _("La date est dans le futur.")
    elif occurred_at < now - timedelta(days=max_days):
        errors["occurred_at"] = _(
            "Une action se déclare au plus tard %(days)d jours après."
        ) % {"days": max_days}
    elif not (challenge.starts_at <= occurred_at < challenge.ends_at):
        errors["occurred_at"] = _("Cette date est en dehors de la période du défi.")
    if errors:
        raise ValidationError(errors)


def _award_badges(
    member: Member, challenge: ChallengePage, household_id: int
) -> list[Badge]:
    count = queries.household_action_count(household_id, challenge)
    reached = []
    if count >= 1:
        reached.append(BadgeKind.FIRST_ACTION)
    if count >= FIVE_ACTIONS:
        reached.append(BadgeKind.FIVE_ACTIONS)
    if challenge.goal_kind == GoalKind.ACTIONS and count >= challenge.goal_value:
        reached.append(BadgeKind.GOAL_REACHED)
    have = set(
        Badge.objects.filter(
            challenge=challenge, household_id=household_id
        ).values_list("kind", flat=True)
    )
    new = [
        Badge.objects.create(challenge=challenge, household_id=household_id, kind=kind)
        for kind in reached
        if kind not in have
    ]
    if new:
        recipients = User.objects.filter(member__household_id=household_id)
        for badge in new:
            notify.send(
                member.user,
                recipient=recipients,
                verb="challenge_badge",
                target=challenge,
                description=_("Badge « %(badge)s » au défi « %(title)s ».")
                % {"badge": badge.get_kind_display(), "title": challenge.title},
                badge=badge.kind,
            )
    return new


def check_log_action(
    member: Member,
    challenge: ChallengePage,
    *,
    action_type: ActionType,
    occurred_at: datetime,
    idempotency_key: str,
    photo: UploadedFile | None = None,
) -> LogResult:
    """Log "J'ai agi" once per form key: points from the core, badges, live board.

    Raises PermissionDenied (not a participant), ValidationError (bad fields or a
    refusal of the core), scoring.ScoringUnavailable (core down: nothing stored).
    """
    _require_participant(member, challenge)
    household = member.household
    existing = LoggedAction.objects.filter(
        household=household, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        return LogResult(existing, replayed=True)
    _check_action_fields(challenge, action_type, occurred_at)
    # Checked before anything is sent: an unreadable picture changes nothing.
    picture = make_proof_photo(photo) if photo is not None else None
    proof = ProofLevel.PHOTO if picture is not None else ProofLevel.DECLARED
    try:
        answer = scoring.log_action(
            household,
            action=action_type.code,
            domain=action_type.domain,
            occurred_at=occurred_at,
            idempotency_key=idempotency_key,
            proof=proof,
        )
    except scoring.ScoringUnavailable:
        raise
    except scoring.ScoringError as error:
        raise ValidationError(error.message, code=error.code) from error
    logged = LoggedAction(
        challenge=challenge,
        household=household,
        member=member,
        action_type=action_type,
        occurred_at=occurred_at,
        idempotency_key=idempotency_key,
        proof=proof,
        points_awarded=int(answer.get("points_awarded") or 0),
    )
    if picture is not None:
        logged.photo.save(picture.name, picture, save=False)
    try:
        with transaction.atomic():
            logged.save()
            badges = _award_badges(member, challenge, household.pk)
            do_publish_leaderboard(challenge)
    except IntegrityError:
        # The same form sent twice at once: the other request stored it.
        existing = LoggedAction.objects.get(
            household=household, idempotency_key=idempotency_key
        )
        return LogResult(existing, replayed=True)
    return LogResult(logged, replayed=False, badges=badges)


def check_confirm_action(ambassador: Member, action: LoggedAction) -> LoggedAction:
    """An ambassador confirms an action: the core raises its proof and its points."""
    if not queries.is_ambassador(ambassador.user):
        raise PermissionDenied
    try:
        answer = scoring.confirm_action(
            action.household,
            action_key=action.idempotency_key,
            proof=ProofLevel.CONFIRMED,
            idempotency_key=f"confirm-{action.idempotency_key}"[:100],
        )
    except scoring.ScoringUnavailable:
        raise
    except scoring.ScoringError as error:
        raise ValidationError(error.message, code=error.code) from error
    with transaction.atomic():
        locked = LoggedAction.objects.select_for_update().get(pk=action.pk)
        if locked.confirmed_at is not None:
            return locked
        locked.proof = ProofLevel.CONFIRMED
        locked.confirmed_by = ambassador
        locked.confirmed_at = timezone.now()
        locked.points_awarded += int(answer.get("points_awarded") or 0)
        locked.save(
            update_fields=["proof", "confirmed_by", "confirmed_at", "points_awarded"]
        )
        do_publish_leaderboard(locked.challenge)
    return locked

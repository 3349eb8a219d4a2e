"""Every write to the challenges tables goes through here.

Points live in the scoring core: an action is first sent to it with the form's
idempotency key (the core awards a key once), then recorded here with its
badges and the live leaderboard event in one transaction. A retry of the same
form after a failure between the two finds the core's replay and records the
row then; a double submit finds our row and changes nothing.

When the core is slow or down, the action is stored anyway, `pending`, with its
key and no points; `do_send_pending_actions` sends it later (a cron command,
and opportunistically from the household's pages), and the core's key makes a
second send award nothing.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from notifications.models import Notification

from challenges import queries
from challenges.flash_queries import flash_window
from challenges.images import make_proof_photo
from challenges.models import (
    ActionStatus,
    Badge,
    BadgeKind,
    ChallengePage,
    GoalKind,
    LoggedAction,
    Participation,
)
from common.notify import publish_badge, push_notifications, translatable_excerpt
from common.ratelimit import check_rate
from community import roles
from community.models import Household, Member
from community.towns import page_path
from realtime.groups import leaderboard_stream
from realtime.publish import publish
from scoring import client as scoring
from scoring.models import ActionType, ProofLevel

logger = logging.getLogger(__name__)

FIVE_ACTIONS = 5
# The notification verb (and `data["kind"]`) of a new badge.
BADGE_VERB = "challenge_badge"
# The excerpt of a badge's notification; its French source is what is stored,
# each reader sees it in their own language.
BADGE_EXCERPT = gettext_noop("%(badge)s, défi « %(title)s »")


def badge_source_label(kind: str) -> str:
    """The badge's label as written in the source (French), the catalogue's key."""
    with translation.override(None):
        return str(BadgeKind(kind).label)


# A phone's clock a little ahead of ours is not an action "in the future".
CLOCK_SKEW = timedelta(minutes=5)
# Pending actions a page of the household sends on its way; the command sends all.
PENDING_BATCH = 10


@dataclass(frozen=True)
class LogResult:
    action: LoggedAction
    replayed: bool
    badges: list[Badge] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return self.action.is_pending


@dataclass
class SendReport:
    """What one run of `do_send_pending_actions` did."""

    sent: int = 0
    refused: int = 0
    # The core did not answer: the rest stays pending for the next run.
    unavailable: bool = False


def _require_participant(member: Member, challenge: ChallengePage) -> Participation:
    participation = queries.participation_of(member.household_id, challenge)
    if participation is None:
        raise PermissionDenied
    return participation


def do_publish_leaderboard(challenge: ChallengePage) -> None:
    """Send the challenge's leaderboard, rendered as on its page, to its stream.

    Called inside the action's transaction. The embedded engine reads this very
    connection, so the board includes the change and is published with it. A
    remote core reads the database through its own connection, or not at all:
    the board is read once the change is committed, bypassing the client's
    cache (which that read refreshes), and published in a transaction of its own.
    """
    if scoring.is_embedded():
        _publish_board(challenge)
        return
    transaction.on_commit(lambda: _publish_after_commit(challenge), robust=True)


def _publish_after_commit(challenge: ChallengePage) -> None:
    with transaction.atomic():
        _publish_board(challenge)


def _publish_board(challenge: ChallengePage) -> None:
    # Fresh: a remote core's cached board would lag behind the change just made.
    board = queries.leaderboard(challenge, fresh=True)
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
    elif (flash := flash_window(challenge)) is not None and not (
        flash.covers_hour(timezone.localtime(occurred_at).hour)
    ):
        errors["occurred_at"] = _(
            "Ce défi flash ne compte que les actions faites pendant l'alerte "
            "(%(hours)s)."
        ) % {"hours": flash.hours_label()}
    if errors:
        raise ValidationError(errors)


def _award_badges(
    member: Member | None, challenge: ChallengePage, household_id: int
) -> list[Badge]:
    # Counted actions only: a pending one earns its badges when it is sent.
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
    if member is None:
        # The member who logged it has left: any member of the household acts.
        member = Member.objects.filter(household_id=household_id).order_by("pk").first()
    if new and member is not None:
        _notify_badges(member, challenge, household_id, new)
    return new


def _notify_badges(
    member: Member, challenge: ChallengePage, household_id: int, badges: list[Badge]
) -> None:
    """Tell every member of the household, in the notification centre and live.

    Rows in the feeds notification centre's shape (`data` kind, url, excerpt,
    actor name), then the live unread badge of each recipient's `user:` stream;
    called inside the action's transaction, so both commit with the badges.
    """
    recipients = list(
        Member.objects.filter(household_id=household_id).values_list(
            "user_id", flat=True
        )
    )
    actor_type = ContentType.objects.get_for_model(Member)
    target_type = ContentType.objects.get_for_model(ChallengePage)
    rows = [
        Notification(
            recipient_id=user_id,
            actor_content_type=actor_type,
            actor_object_id=str(member.pk),
            verb=BADGE_VERB,
            target_content_type=target_type,
            target_object_id=str(challenge.pk),
            description=_("Badge « %(badge)s » au défi « %(title)s ».")
            % {"badge": badge.get_kind_display(), "title": challenge.title},
            data={
                "kind": BADGE_VERB,
                "badge": badge.kind,
                "actor_id": member.pk,
                "actor_name": member.display_name,
                "url": page_path(challenge),
                "excerpt": _("%(badge)s, défi « %(title)s »")
                % {"badge": badge.get_kind_display(), "title": challenge.title},
                # Rendered again in the reader's language (feeds.queries).
                **translatable_excerpt(
                    BADGE_EXCERPT,
                    {"badge": badge_source_label(badge.kind), "title": challenge.title},
                    translate=("badge",),
                ),
            },
        )
        for badge in badges
        for user_id in recipients
    ]
    Notification.objects.bulk_create(rows)
    for user_id in recipients:
        publish_badge(user_id)
    push_notifications(rows)


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

    Raises PermissionDenied (not a participant) or ValidationError (bad fields or
    a refusal of the core). With the core unavailable the action is stored
    pending, with its key and no points, and sent later (`result.pending`).
    """
    _require_participant(member, challenge)
    household = member.household
    existing = LoggedAction.objects.filter(
        household=household, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        return LogResult(existing, replayed=True)
    _check_action_fields(challenge, action_type, occurred_at)
    # A replay (above) is not counted: only actions that would earn points.
    check_rate(
        member,
        "action",
        _(
            "Vous avez déclaré beaucoup d'actions en peu de temps : réessayez "
            "dans %(minutes)d min au plus. Rien n'a été enregistré."
        ),
    )
    # Checked before anything is sent: an unreadable picture changes nothing.
    picture = make_proof_photo(photo) if photo is not None else None
    proof = ProofLevel.PHOTO if picture is not None else ProofLevel.DECLARED
    logged = LoggedAction(
        challenge=challenge,
        household=household,
        member=member,
        action_type=action_type,
        occurred_at=occurred_at,
        idempotency_key=idempotency_key,
        proof=proof,
    )
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
        # Kept with its key, sent when the core answers again: nothing is lost.
        logged.status = ActionStatus.PENDING
        answer = None
    except scoring.ScoringError as error:
        raise ValidationError(error.message, code=error.code) from error
    else:
        logged.points_awarded = int(answer.get("points_awarded") or 0)
    if picture is not None:
        logged.photo.save(picture.name, picture, save=False)
    badges: list[Badge] = []
    try:
        with transaction.atomic():
            logged.save()
            if answer is not None:
                badges = _award_badges(member, challenge, household.pk)
                do_publish_leaderboard(challenge)
    except IntegrityError:
        # The same form sent twice at once: the other request stored it.
        existing = LoggedAction.objects.get(
            household=household, idempotency_key=idempotency_key
        )
        return LogResult(existing, replayed=True)
    if answer is not None:
        # The core answers: send what the household logged while it did not.
        do_send_pending_actions(household=household, limit=PENDING_BATCH)
    return LogResult(logged, replayed=False, badges=badges)


def do_send_pending_actions(
    *, household: Household | None = None, limit: int | None = None
) -> SendReport:
    """Send pending actions to the core, oldest first, each once with its own key.

    Each row is locked (`FOR UPDATE SKIP LOCKED`) while it is sent, so two
    senders (the cron command, a page of the household) never send one row
    twice at once; and the core awards a key once, so a row sent again after a
    lost answer changes nothing. Stops at the first unavailable answer (one
    timeout at most; the breaker then fails the next call at once); does
    nothing while the breaker is open. Badges and the live leaderboards follow,
    after commit.
    """
    report = SendReport()
    if scoring.breaker_open():
        report.unavailable = True
        return report
    boards: dict[int, ChallengePage] = {}
    while limit is None or report.sent + report.refused < limit:
        outcome = _send_one_pending(household, boards)
        if outcome is None:
            break
        if outcome == ActionStatus.PENDING:
            report.unavailable = True
            break
        if outcome == ActionStatus.REFUSED:
            report.refused += 1
        else:
            report.sent += 1
    for challenge in boards.values():
        with transaction.atomic():
            do_publish_leaderboard(challenge)
    return report


def _send_one_pending(
    household: Household | None, boards: dict[int, ChallengePage]
) -> str | None:
    """Send the oldest pending row: its new status, or None when none is left."""
    with transaction.atomic():
        queue = LoggedAction.objects.select_for_update(
            skip_locked=True, of=("self",)
        ).filter(status=ActionStatus.PENDING)
        if household is not None:
            queue = queue.filter(household=household)
        row = (
            queue.select_related("household", "action_type", "challenge", "member")
            .order_by("created_at", "pk")
            .first()
        )
        if row is None:
            return None
        try:
            answer = scoring.log_action(
                row.household,
                action=row.action_type.code,
                domain=row.action_type.domain,
                occurred_at=row.occurred_at,
                idempotency_key=row.idempotency_key,
                proof=row.proof,
            )
        except scoring.ScoringUnavailable:
            return ActionStatus.PENDING
        except scoring.ScoringError as error:
            # Final: e.g. the household left, or the action is now too old.
            logger.warning(
                "pending action %s refused by the scoring core: %s", row.pk, error.code
            )
            row.status = ActionStatus.REFUSED
            row.refusal = str(error.message)[:300]
            row.save(update_fields=["status", "refusal"])
            return ActionStatus.REFUSED
        row.status = ActionStatus.COUNTED
        row.points_awarded = int(answer.get("points_awarded") or 0)
        row.save(update_fields=["status", "points_awarded"])
        _award_badges(row.member, row.challenge, row.household_id)
        boards[row.challenge_id] = row.challenge
        return ActionStatus.COUNTED


def check_confirm_action(ambassador: Member, action: LoggedAction) -> LoggedAction:
    """An ambassador confirms an action: the core raises its proof and its points."""
    if not roles.is_ambassador(ambassador.user, queries.town_of(action.challenge)):
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


def do_award_reduction_goals() -> int:
    """Badge « Objectif atteint » for the households of teams that reached a goal.

    A reduction goal is a team's: reached when the team's change against its
    households' own baselines (the leaderboard's `change_pct`, averaged per
    household) is at or below −goal %; each participating household of that
    team gets the badge once, notified as the action badges are. The boards
    are published again, since new readings move them. Run when readings are
    imported (`scoring.signals.readings_imported`) and by the command
    `award_reduction_goals` (for a remote core that imports on its side).
    Returns the number of badges given.
    """
    given = 0
    challenges = ChallengePage.objects.live().filter(
        goal_kind=GoalKind.REDUCTION, start_date__lte=timezone.localdate()
    )
    for challenge in challenges:
        board = queries.leaderboard(challenge, fresh=True)
        spec = queries.leaderboard_spec(challenge.pk)
        if board.unavailable or spec is None:
            continue
        reached = [
            household_id
            for row in board.standings
            if row.get("change_pct") is not None
            and row["change_pct"] <= -challenge.goal_value
            for household_id in spec.teams.get(row["team"], [])
        ]
        with transaction.atomic():
            for household_id in reached:
                given += _award_goal_reached(challenge, household_id)
            do_publish_leaderboard(challenge)
    return given


def _award_goal_reached(challenge: ChallengePage, household_id: int) -> int:
    badge, created = Badge.objects.get_or_create(
        challenge=challenge, household_id=household_id, kind=BadgeKind.GOAL_REACHED
    )
    member = Member.objects.filter(household_id=household_id).order_by("pk").first()
    if not created or member is None:
        return int(created)
    _notify_badges(member, challenge, household_id, [badge])
    return 1

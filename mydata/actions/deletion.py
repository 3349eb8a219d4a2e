"""Delete my account: content removed, or kept under « ancien membre ».

Invariants:
- Everything runs in one transaction that locks the member and their household:
  a half-deleted account never commits. Files (avatar, pictures) are deleted from
  storage only after commit, so a rollback loses no picture.
- Anonymised content moves to the town's one « ancien membre » (a member with
  no usable account), never to a per-person pseudonym: two deleted members'
  posts cannot be told apart, and nothing links them back to a name.
- Each app erases its own rows through the erasers it registers in
  `common.kinds` (feeds.personal_data: removed content keeps its row but loses
  its text, pictures and author, exactly as a deletion by the author does; live
  streams receive the same removal events, the search index is resynced after
  commit). This module writes no content app's table.
- Real-time events already logged with the member's name (rendered HTML) are
  redacted (realtime.actions.do_redact_member_events), so a client resuming
  from the log never sees the name again.
- The household stays for its other members. When none is left it leaves the
  programme: consents withdrawn, proof photos, meter files and indexes deleted,
  and the scoring core is told to forget it and its readings
  (`scoring.client.erase_household`).
"""

import logging
import secrets
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import kinds
from common.archive import Erasure, delete_stored_files
from common.notify import forget_actor
from community import privacy
from community.models import Household, HouseholdStatus, Member, TownPage
from mydata.actions.exports import do_delete_exports
from realtime.actions import do_redact_member_events
from scoring import client as scoring
from scoring.errors import NotFound

logger = logging.getLogger(__name__)

# Stored as the display name of every town's former-member profile.
FORMER_MEMBER_NAME = "ancien membre"


class DeletionMode(TextChoices):
    REMOVE = "remove", gettext_lazy("Supprimer mes contenus")
    ANONYMISE = (
        "anonymise",
        gettext_lazy("Garder mes contenus, signés « ancien membre »"),
    )


@dataclass
class DeletionResult:
    household_left: bool = False
    scoring_erased: bool = False
    files_deleted: int = 0


def former_member_for(town: TownPage) -> Member:
    """The town's « ancien membre », created on first use (no usable login)."""
    existing = Member.objects.filter(town=town, is_former_member=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            user = User(
                username=f"ancien-membre-{town.pk}-{secrets.token_hex(6)}",
                is_active=False,
            )
            user.set_unusable_password()
            user.save()
            return Member.objects.create(
                user=user,
                town=town,
                display_name=FORMER_MEMBER_NAME,
                is_former_member=True,
            )
    except IntegrityError:
        # Another deletion created it at the same moment (unique per town).
        return Member.objects.get(town=town, is_former_member=True)


def check_delete_account(member: Member, *, password: str, mode: str) -> DeletionResult:
    """Check the password and the choice, then delete the account."""
    if member.is_former_member:
        raise PermissionDenied
    if mode not in DeletionMode.values:
        raise ValidationError(
            {"mode": _("Choisissez ce que deviennent vos contenus.")}, code="mode"
        )
    if not password or not member.user.check_password(password):
        raise ValidationError(
            {"password": _("Mot de passe incorrect.")}, code="bad_password"
        )
    try:
        return do_delete_account(member, mode)
    except ProtectedError as error:
        raise ValidationError(
            _(
                "Votre compte est lié à des visites d'ambassadeur que le programme "
                "doit garder : demandez sa suppression à un modérateur."
            ),
            code="protected",
        ) from error


def _leave_household(member: Member, files: list[str]) -> tuple[bool, bool]:
    """Detach the member; the last one out takes the household out of scoring."""
    household = Household.objects.select_for_update().get(pk=member.household_id)
    member.household = None
    member.save(update_fields=["household"])
    if household.members.exists():
        return False, False
    privacy.do_withdraw_household_consent(household)
    if household.status != HouseholdStatus.LEFT:
        household.status = HouseholdStatus.LEFT
        household.left_at = timezone.now()
        household.save(update_fields=["status", "left_at"])
    # Each app's rows of the household (proof photos, meter files and indexes).
    for erase in kinds.household_erasers():
        erase(household, files)
    try:
        scoring.erase_household(household)
    except NotFound:
        # The core never heard of it: nothing to forget there.
        return True, True
    except scoring.ScoringUnavailable:
        logger.warning("mydata: scoring core could not erase %s", household.public_id)
        return True, False
    return True, True


def do_delete_account(member: Member, mode: str) -> DeletionResult:
    """Delete a member's account, their content removed or anonymised."""
    result = DeletionResult()
    files: list[str] = []
    with transaction.atomic():
        member = (
            Member.objects.select_for_update()
            .select_related("user", "town")
            .get(pk=member.pk)
        )
        former = former_member_for(member.town)
        if member.avatar:
            files.append(member.avatar.name)
        # Each content app removes or anonymises its rows (feeds: posts,
        # comments, messages, conversations, reactions, mentions).
        erasure = Erasure(member, former, remove=mode == DeletionMode.REMOVE)
        for erase in kinds.member_erasers():
            erase(erasure)
        files.extend(erasure.files)
        forget_actor(member)
        do_redact_member_events(member.pk, member.user_id)
        do_delete_exports(list(member.data_exports.all()))
        if member.household_id is not None:
            result.household_left, result.scoring_erased = _leave_household(
                member, files
            )
        user = member.user
        AccessAttempt.objects.filter(username=user.get_username()).delete()
        AccessLog.objects.filter(username=user.get_username()).delete()
        # The member row and everything that cascades from it (follows, mutes,
        # blocks, preferences, read markers, member consents, notifications).
        user.delete()
        transaction.on_commit(lambda: delete_stored_files(files))
    result.files_deleted = len(files)
    return result

"""Redeeming points for a reward, and a shop marking a code used.

Stock, validity and the monthly cap are checked with the reward's row locked
(SELECT ... FOR UPDATE), and the points are spent through the scoring core in
the same transaction: with the embedded core its ledger write is a savepoint of
ours, so a refusal after it (or a crash) rolls both back. With a remote core a
retry of the same form carries the same key, and the core answers its first
result instead of spending again.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.models import Redemption, Reward, Shop
from community.models import HouseholdStatus, Member
from scoring import client as scoring


@dataclass(frozen=True)
class RedeemResult:
    redemption: Redemption
    replayed: bool


def _check_offer(member: Member, reward: Reward) -> None:
    today = timezone.localdate()
    if not reward.active or reward.valid_from > today:
        raise ValidationError(_("Cette offre n'est pas disponible."), code="inactive")
    if reward.valid_until is not None and reward.valid_until < today:
        raise ValidationError(_("Cette offre a expiré."), code="expired")
    if reward.stock is not None and reward.stock < 1:
        raise ValidationError(_("Cette offre est épuisée."), code="out_of_stock")
    if reward.monthly_cap is not None:
        this_month = Redemption.objects.filter(
            reward=reward,
            household_id=member.household_id,
            created_at__date__gte=today.replace(day=1),
        ).count()
        if this_month >= reward.monthly_cap:
            raise ValidationError(
                _("Votre foyer a déjà pris cette offre %(count)d fois ce mois-ci.")
                % {"count": this_month},
                code="monthly_cap",
            )


def check_redeem(member: Member, reward: Reward, idempotency_key: str) -> RedeemResult:
    """Spend the household's points on a reward once per form key; answer its code.

    Raises PermissionDenied (no household, another town), ValidationError
    (expired, out of stock, cap reached, balance short) with nothing changed, or
    scoring.ScoringUnavailable.
    """
    household = member.household
    if (
        household is None
        or household.status != HouseholdStatus.ACTIVE
        or reward.shop.town_id != member.town_id
    ):
        raise PermissionDenied
    existing = Redemption.objects.filter(
        household=household, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        return RedeemResult(existing, replayed=True)
    try:
        with transaction.atomic():
            locked = Reward.objects.select_for_update().get(pk=reward.pk)
            _check_offer(member, locked)
            try:
                scoring.redeem(
                    household,
                    reward_id=f"reward-{locked.pk}",
                    points=locked.points,
                    idempotency_key=idempotency_key,
                )
            except scoring.InsufficientPoints as error:
                raise ValidationError(
                    _("Solde insuffisant : il vous faut %(points)d points.")
                    % {"points": locked.points},
                    code="insufficient_points",
                ) from error
            except scoring.ScoringError as error:
                raise ValidationError(error.message, code=error.code) from error
            redemption = Redemption.objects.create(
                reward=locked,
                household=household,
                member=member,
                points=locked.points,
                idempotency_key=idempotency_key,
            )
            if locked.stock is not None:
                locked.stock -= 1
                locked.save(update_fields=["stock"])
    except IntegrityError:
        # The same form sent twice at once: the first request stored it.
        existing = Redemption.objects.get(
            household=household, idempotency_key=idempotency_key
        )
        return RedeemResult(existing, replayed=True)
    return RedeemResult(redemption, replayed=False)


def check_use_code(shop: Shop, typed_code: str) -> Redemption:
    """A shop marks a code used, once; unknown, foreign and used codes are refused."""
    raw = "".join(ch for ch in typed_code.upper() if ch.isalnum())
    code = f"{raw[:4]}-{raw[4:]}"
    with transaction.atomic():
        redemption = (
            Redemption.objects.select_for_update()
            .select_related("reward")
            .filter(code=code, reward__shop=shop)
            .first()
        )
        if redemption is None:
            raise ValidationError(
                _("Code inconnu pour ce commerce."), code="unknown_code"
            )
        if redemption.used_at is not None:
            raise ValidationError(
                _("Ce code a déjà été utilisé le %(date)s.")
                % {"date": timezone.localtime(redemption.used_at).strftime("%d/%m/%Y")},
                code="used_code",
            )
        reward = redemption.reward
        if reward.valid_until is not None and reward.valid_until < timezone.localdate():
            raise ValidationError(_("Cette offre a expiré."), code="expired")
        redemption.used_at = timezone.now()
        redemption.save(update_fields=["used_at"])
    return redemption

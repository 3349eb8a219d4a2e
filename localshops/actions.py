"""Every write of localshops: a reward shop's line in the directory and
« J'ai acheté local » (points with photo proof, once per form key)."""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.images import make_proof_photo
from challenges.models import Shop
from community.domains import Domain
from community.models import Household, Member
from localshops.models import BusinessKind, LocalBusiness, LocalPurchase
from scoring import client as scoring
from scoring.actions.catalogue import ensure_action_type
from scoring.models import ProofLevel

# The catalogue action a local purchase logs (created on first use).
ACTION_CODE = "local_purchase"
ACTION_LABEL = "Acheter local (ticket en photo)"
# Purchases that earn points, per household and day: a market morning is two
# or three stalls; more is more likely a game than a habit.
MAX_PURCHASES_PER_DAY = 3
CLIENT_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")


@dataclass
class PurchaseResult:
    purchase: LocalPurchase
    replayed: bool


def do_ensure_business_for_shop(shop: Shop) -> LocalBusiness:
    """The directory's line of a reward shop, created with the shop's name."""
    business, _created = LocalBusiness.objects.get_or_create(
        reward_shop=shop,
        defaults={
            "town_id": shop.town_id,
            "name": shop.name,
            "address": shop.address,
            "kind": BusinessKind.SHOP,
        },
    )
    return business


def _check_business(member: Member, business_id: object) -> LocalBusiness:
    business = LocalBusiness.objects.filter(
        pk=business_id if str(business_id).isdigit() else None,
        town_id=member.town_id,
        active=True,
    ).first()
    if business is None:
        raise ValidationError(
            {"business": _("Choisissez un commerce ou un producteur de la liste.")},
            code="unknown_business",
        )
    return business


def _check_daily_cap(household: Household) -> None:
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    done = LocalPurchase.objects.filter(
        household=household,
        created_at__gte=start,
        created_at__lt=start + timedelta(days=1),
    ).count()
    if done >= MAX_PURCHASES_PER_DAY:
        raise ValidationError(
            _(
                "Votre foyer a déjà déclaré %(count)d achats locaux aujourd'hui, "
                "le maximum par jour : revenez demain. Rien n'a été enregistré."
            )
            % {"count": MAX_PURCHASES_PER_DAY},
            code="daily_cap",
        )


def check_log_local_purchase(
    member: Member,
    *,
    business_id: object,
    receipt: UploadedFile | None,
    client_key: str,
    amount: Decimal | None = None,
) -> PurchaseResult:
    """Log « J'ai acheté local » with the receipt's photo: points once per key.

    Raises PermissionDenied (no household) or ValidationError (unknown shop,
    bad photo, daily cap, the core refusing or not answering); on a refusal
    nothing is stored and no point is awarded.
    """
    household = member.household
    if household is None:
        raise PermissionDenied(
            _("Votre compte n'est rattaché à aucun foyer : pas de points à gagner.")
        )
    if not CLIENT_KEY.match(client_key or ""):
        raise ValidationError(
            _("Le formulaire a expiré : rechargez la page et recommencez."),
            code="bad_client_key",
        )
    key = f"achat-local:{client_key}"
    with transaction.atomic():
        # The household's row lock makes the replay check and the daily count
        # of two simultaneous sends of one household run one after the other.
        Household.objects.select_for_update().filter(pk=household.pk).first()
        existing = LocalPurchase.objects.filter(
            household=household, idempotency_key=key
        ).first()
        if existing is not None:
            return PurchaseResult(existing, replayed=True)
        business = _check_business(member, business_id)
        if amount is not None and amount < 0:
            raise ValidationError(
                {"amount": _("Le montant ne peut pas être négatif.")}, code="amount"
            )
        if receipt is None:
            raise ValidationError(
                {"receipt": _("Ajoutez la photo du ticket de caisse.")},
                code="no_receipt",
            )
        _check_daily_cap(household)
        try:
            picture = make_proof_photo(receipt)
        except ValidationError as error:
            raise ValidationError(
                {"receipt": error.messages}, code="bad_photo"
            ) from None
        action = ensure_action_type(
            ACTION_CODE, label=ACTION_LABEL, domain=Domain.LOCAL_FOOD
        )
        now = timezone.now()
        try:
            answer = scoring.log_action(
                household,
                action=action.code,
                domain=action.domain,
                occurred_at=now,
                idempotency_key=key,
                proof=ProofLevel.PHOTO,
            )
        except scoring.ScoringUnavailable:
            raise ValidationError(
                _(
                    "Le service des points ne répond pas : réessayez dans quelques "
                    "minutes. Rien n'a été enregistré."
                ),
                code="unavailable",
            ) from None
        except scoring.ScoringError as error:
            raise ValidationError(error.message, code=error.code) from error
        purchase = LocalPurchase(
            town_id=member.town_id,
            household=household,
            member=member,
            business=business,
            business_name=business.name,
            amount=amount,
            idempotency_key=key,
            points_awarded=int(answer.get("points_awarded") or 0),
            occurred_at=now,
            created_at=now,
        )
        purchase.receipt.save(picture.name, picture, save=False)
        purchase.save()
    return PurchaseResult(purchase, replayed=False)

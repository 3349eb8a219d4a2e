"""Consent: which text is in force, recording it, withdrawing it.

Writes to the consent tables live here rather than in `community/actions.py` so
that the privacy rules (consent, and later data export and erasure) read as one
module; the naming is the same (`do_*` writes, `check_*` validates then writes).
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import (
    ConsentKind,
    ConsentRecord,
    ConsentText,
    Household,
    HouseholdStatus,
    Member,
)


def current_consent_text(kind: str = ConsentKind.PARTICIPATION) -> ConsentText | None:
    """The latest published version of a consent text, if any is published."""
    return (
        ConsentText.objects.filter(kind=kind, published_at__lte=timezone.now())
        .order_by("-version")
        .first()
    )


def check_record_household_consent(
    household: Household,
    *,
    text_id: int,
    recorded_by: User | None,
    kind: str = ConsentKind.PARTICIPATION,
) -> ConsentRecord:
    """Record that a household agreed to the text it was shown, if still current.

    The form carries the id of the text the resident read; a text published in
    between is refused so that the record always names what was really read.
    """
    current = current_consent_text(kind)
    if current is None or current.pk != text_id:
        raise ValidationError(
            _(
                "Le texte de consentement a changé depuis l'ouverture de la page : "
                "relisez la nouvelle version avec le résident."
            ),
            code="consent_text_changed",
        )
    return ConsentRecord.objects.create(
        household=household, text=current, recorded_by=recorded_by
    )


def household_has_consent(household: Household) -> bool:
    """True while at least one consent of the household is not withdrawn."""
    return household.consents.filter(withdrawn_at__isnull=True).exists()


def do_withdraw_household_consent(household: Household) -> int:
    """Withdraw every consent of a household; answer how many were withdrawn."""
    return household.consents.filter(withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )


def do_withdraw_consent_and_leave(member: Member) -> Household:
    """A member withdraws the household's consent and the household leaves.

    Leaving ends the ambassador's view of the household (ambassadors.queries
    only shows households that are not gone and still consent).
    """
    household = member.household
    if household is None:
        raise ValidationError(
            _("Votre compte n'est rattaché à aucun foyer."), code="no_household"
        )
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        do_withdraw_household_consent(household)
        if household.status != HouseholdStatus.LEFT:
            household.status = HouseholdStatus.LEFT
            household.left_at = timezone.now()
            household.save(update_fields=["status", "left_at"])
    return household

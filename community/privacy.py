"""Consent: which text is in force, recording it, withdrawing it.

Writes to the consent tables live here rather than in `community/actions.py` so
that the privacy rules (consent, and later data export and erasure) read as one
module; the naming is the same (`do_*` writes, `check_*` validates then writes).
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import (
    ConsentKind,
    ConsentRecord,
    ConsentText,
    Household,
    HouseholdStatus,
    Member,
    TownPage,
)


def current_consent_text(
    kind: str = ConsentKind.PARTICIPATION, town: TownPage | int | None = None
) -> ConsentText | None:
    """The latest published version of the town's consent text, if any is
    published; a town with no text of its own (and `town=None`) reads the
    template's (one query)."""
    town_id = town.pk if isinstance(town, TownPage) else town
    mine = Q(town__isnull=True)
    if town_id is not None:
        mine |= Q(town_id=town_id)
    return (
        ConsentText.objects.filter(mine, kind=kind, published_at__lte=timezone.now())
        .order_by(F("town_id").asc(nulls_last=True), "-version")
        .first()
    )


@transaction.atomic
def check_publish_consent_text(
    town: TownPage | None, kind: str, text: str
) -> ConsentText:
    """Publish a new version of a town's consent text (None: the template new
    towns copy), in force at once. A published text never changes: the older
    versions stay, with the records that name them."""
    text = (text or "").strip()
    if kind not in ConsentKind.values:
        raise ValidationError({"kind": _("Choisissez le type de texte.")})
    if not text:
        raise ValidationError({"text": _("Le texte ne peut pas être vide.")})
    # The town's row (or, for the template, every template text) is locked so
    # that two publications never take the same version number.
    if town is not None:
        TownPage.objects.select_for_update().filter(pk=town.pk).first()
    mine = ConsentText.objects.select_for_update().filter(town=town, kind=kind)
    last = max(mine.values_list("version", flat=True), default=None)
    if last is None:
        # The town's first text of its own follows the template it read so far.
        last = max(
            ConsentText.objects.filter(town=None, kind=kind).values_list(
                "version", flat=True
            ),
            default=0,
        )
    return ConsentText.objects.create(
        town=town, kind=kind, version=last + 1, text=text, published_at=timezone.now()
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
    current = current_consent_text(kind, household.neighbourhood.town_id)
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
    """True while the household's participation consent is not withdrawn.

    Only the participation kind counts: an optional research consent alone never
    makes a household a participant.
    """
    return household.consents.filter(
        kind_q(ConsentKind.PARTICIPATION), withdrawn_at__isnull=True
    ).exists()


def kind_q(kind: str) -> Q:
    return Q(text__kind=kind)


def household_consents(household: Household) -> list[ConsentRecord]:
    """Every consent record of a household, newest first, with its text (1 query)."""
    return list(
        household.consents.select_related("text", "recorded_by").order_by(
            "-given_at", "-pk"
        )
    )


def household_has_research_consent(household: Household) -> bool:
    """True while the household's research-use consent is given and not withdrawn."""
    return household.consents.filter(
        kind_q(ConsentKind.RESEARCH), withdrawn_at__isnull=True
    ).exists()


def research_consenting_household_ids() -> set[int]:
    """Households whose research consent is in force (the research export's scope)."""
    return set(
        ConsentRecord.objects.filter(
            kind_q(ConsentKind.RESEARCH),
            withdrawn_at__isnull=True,
            household__isnull=False,
        ).values_list("household_id", flat=True)
    )


def _member_household(member: Member) -> Household:
    if member.household_id is None:
        raise ValidationError(
            _("Votre compte n'est rattaché à aucun foyer."), code="no_household"
        )
    return member.household


def check_give_research_consent(member: Member, *, text_id: int) -> ConsentRecord:
    """A member gives the research consent for their household (once in force)."""
    household = _member_household(member)
    with transaction.atomic():
        Household.objects.select_for_update().filter(pk=household.pk).first()
        existing = household.consents.filter(
            kind_q(ConsentKind.RESEARCH), withdrawn_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        return check_record_household_consent(
            household,
            text_id=text_id,
            recorded_by=member.user,
            kind=ConsentKind.RESEARCH,
        )


def do_withdraw_research_consent(member: Member) -> int:
    """Withdraw the household's research consent; answer how many were withdrawn.

    The participation consent is untouched: the household stays in the programme.
    """
    household = _member_household(member)
    return household.consents.filter(
        kind_q(ConsentKind.RESEARCH), withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())


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

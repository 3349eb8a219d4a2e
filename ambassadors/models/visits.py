"""Doorstep visits: kept only for the ambassador's follow-up, then erased."""

import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Household, Neighbourhood


class VisitOutcome(models.TextChoices):
    ABSENT = "absent", _("Absent")
    NOT_INTERESTED = "not_interested", _("Pas intéressé")
    INTERESTED = "interested", _("Intéressé — à rappeler")
    SIGNED_UP = "signed_up", _("Inscrit")


# Outcomes after which the address is kept only for the retention period.
DECIDED_OUTCOMES = (VisitOutcome.NOT_INTERESTED, VisitOutcome.SIGNED_UP)


def address_key(street: str, house_number: str) -> str:
    """A comparable form of an address: no accents, case, punctuation or spaces.

    "12 bis, Rue de l'Église" and "12BIS rue de l eglise" are one door.
    """
    text = unicodedata.normalize("NFKD", f"{house_number} {street}")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


class Visit(models.Model):
    """One ambassador's knock on one door on one day (the same day twice merges)."""

    ambassador = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ambassadeur"),
        on_delete=models.PROTECT,
        related_name="ambassador_visits",
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="ambassador_visits",
    )
    street = models.CharField(_("rue"), max_length=160, blank=True)
    house_number = models.CharField(_("numéro"), max_length=16, blank=True)
    address_key = models.CharField(max_length=200, blank=True, editable=False)
    visited_on = models.DateField(_("jour de la visite"), default=timezone.localdate)
    outcome = models.CharField(
        _("résultat"), max_length=20, choices=VisitOutcome.choices, db_index=True
    )
    call_back_on = models.DateField(_("rappeler le"), null=True, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ambassador_visits",
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)
    # When the outcome became final (signed up, not interested): the start of the
    # address retention period.
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(
        _("rappel envoyé le"), null=True, blank=True
    )
    address_erased_at = models.DateTimeField(
        _("adresse effacée le"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("visite")
        verbose_name_plural = _("visites")
        ordering = ["-visited_on", "-updated_at"]
        constraints = [
            # Same ambassador, same door, same day: one row (the action merges).
            models.UniqueConstraint(
                fields=["ambassador", "neighbourhood", "address_key", "visited_on"],
                condition=Q(address_erased_at__isnull=True),
                name="visit_one_per_door_per_day",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="interested") | Q(call_back_on__isnull=False),
                name="visit_interested_has_call_back",
            ),
        ]
        indexes = [models.Index(fields=["ambassador", "visited_on"])]
        # Held by the Ambassadeurs group (migration 0002); the navigation reads
        # it from the permissions Django has already loaded for the page.
        permissions = [
            ("doorstep", _("Peut faire la tournée des ambassadeurs")),
        ]

    def __str__(self) -> str:
        if self.address_erased_at:
            return _("Visite du %(day)s (adresse effacée)") % {"day": self.visited_on}
        return f"{self.house_number} {self.street}"

    @property
    def address(self) -> str:
        return f"{self.house_number} {self.street}".strip()

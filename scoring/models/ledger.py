"""The append-only points ledger and the per-household balance row.

Invariant: for every household, `HouseholdBalance.balance` equals the sum of its
ledger entries' points. Both change in one transaction, in `scoring.actions`,
while the balance row is locked (SELECT ... FOR UPDATE): that lock is what makes
idempotency keys and balance checks safe under concurrent requests.

Append-only, three ways (docs/scoring-core.md, "Ledger"):
- in code: `save()` on an existing entry, `delete()`, and the queryset's
  `update()`, `delete()` and `bulk_update()` raise `AppendOnlyError`;
- in PostgreSQL: a trigger refuses UPDATE and DELETE (migration 0002), except
  inside the one erasure action, which sets `scoring.ledger_erasure` locally;
- by design: a correction is a new entry (a proof upgrade, a redemption).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.domains import Domain
from community.models import Household

from .catalogue import ActionType, ProofLevel


class AppendOnlyError(RuntimeError):
    """Raised by any attempt to change or remove a ledger entry."""


class EntryKind(models.TextChoices):
    ACTION = "action", _("Action")
    PROOF = "proof", _("Preuve renforcée")
    REDEMPTION = "redemption", _("Échange de points")


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The points ledger is append-only.")

    def delete(self):
        raise AppendOnlyError("The points ledger is append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The points ledger is append-only.")


class LedgerEntry(models.Model):
    """One signed movement of points; never changed once written."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("nature"), max_length=12, choices=EntryKind.choices)
    action_type = models.ForeignKey(
        ActionType,
        verbose_name=_("action"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    domain = models.CharField(
        _("domaine"), max_length=20, choices=Domain.choices, blank=True
    )
    proof = models.CharField(
        _("preuve"), max_length=10, choices=ProofLevel.choices, blank=True
    )
    points = models.IntegerField(_("points"))
    # Units of the action an ACTION entry awards (`quantity` of POST actions):
    # points = the action's points at its proof × quantity. 1 for the others.
    quantity = models.PositiveIntegerField(_("quantité"), default=1)
    occurred_at = models.DateTimeField(_("date de l'action"))
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    idempotency_key = models.CharField(_("clé d'idempotence"), max_length=100)
    # A digest of the request that first used the key: the same key with another
    # body is refused instead of silently answered with the first result.
    fingerprint = models.CharField(max_length=64)
    reward_id = models.CharField(_("récompense"), max_length=100, blank=True)
    # A proof upgrade points at the action it raises.
    upgrades = models.ForeignKey(
        "self",
        verbose_name=_("action renforcée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="upgraded_by",
    )

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("écriture de points")
        verbose_name_plural = _("registre des points")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "idempotency_key"],
                name="ledger_unique_key_per_household",
            )
        ]
        indexes = [models.Index(fields=["household", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.points:+d}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The points ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The points ledger is append-only.")


class HouseholdBalance(models.Model):
    """A household's current balance: the cached sum of its ledger, and its lock."""

    household = models.OneToOneField(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    balance = models.IntegerField(_("solde"), default=0)
    updated_at = models.DateTimeField(_("mis à jour le"), null=True, blank=True)

    class Meta:
        verbose_name = _("solde de points")
        verbose_name_plural = _("soldes de points")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="balance_never_negative"
            )
        ]

    def __str__(self) -> str:
        return str(self.balance)

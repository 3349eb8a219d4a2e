"""Every ambassador action on a household or a visit, for the moderators."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Household


class AuditKind(models.TextChoices):
    VISIT_LOGGED = "visit_logged", _("Visite enregistrée")
    VISIT_MERGED = "visit_merged", _("Visite fusionnée")
    HOUSEHOLD_PRE_REGISTERED = "household_pre_registered", _("Foyer pré-inscrit")
    CONSENT_RECORDED = "consent_recorded", _("Consentement recueilli")
    INVITATION_ISSUED = "invitation_issued", _("Invitation remise")
    ACTION_LOGGED = "action_logged", _("Action saisie pour le foyer")
    ACTION_CONTESTED = "action_contested", _("Action contestée par le foyer")


class AuditEntry(models.Model):
    """An append-only line of the ambassadors' audit log."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    kind = models.CharField(_("type"), max_length=40, choices=AuditKind.choices)
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept when the household row is erased, so the log still reads.
    household_public_id = models.CharField(
        _("foyer (identifiant)"), max_length=16, blank=True
    )
    visit = models.ForeignKey(
        "ambassadors.Visit",
        verbose_name=_("visite"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    detail = models.JSONField(_("détail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("entrée du journal des ambassadeurs")
        verbose_name_plural = _("journal des ambassadeurs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.household_public_id or '—'}"

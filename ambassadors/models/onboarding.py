"""The link between an ambassador and the households they brought in."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Household


class Onboarding(models.Model):
    """The ambassador who pre-registered a household, for follow-up."""

    household = models.OneToOneField(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="onboarding",
    )
    ambassador = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ambassadeur"),
        on_delete=models.PROTECT,
        related_name="onboardings",
    )
    visit = models.ForeignKey(
        "ambassadors.Visit",
        verbose_name=_("visite"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # For the household's own use: printed on its card, shown to it, never
    # listed to the ambassador; erased with the visit addresses.
    contact = models.CharField(_("contact du foyer"), max_length=160, blank=True)
    created_at = models.DateTimeField(_("pré-inscrit le"), default=timezone.now)
    quiet_notified_at = models.DateTimeField(
        _("calme signalé le"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("foyer accompagné")
        verbose_name_plural = _("foyers accompagnés")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.household)


class AssistedAction(models.Model):
    """An action an ambassador logged for a household without a device."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="assisted_actions",
    )
    ambassador = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action_type = models.ForeignKey(
        "scoring.ActionType",
        verbose_name=_("action"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("faite le"))
    idempotency_key = models.CharField(max_length=64, unique=True)
    points_awarded = models.IntegerField(_("points"), null=True, blank=True)
    created_at = models.DateTimeField(_("saisie le"), default=timezone.now)
    contested_at = models.DateTimeField(_("contestée le"), null=True, blank=True)
    contest_reason = models.TextField(_("motif de la contestation"), blank=True)

    class Meta:
        verbose_name = _("action saisie par l'ambassadeur")
        verbose_name_plural = _("actions saisies par les ambassadeurs")
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return str(self.action_type)

from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models.towns import TownPage


class ApiKeyPurpose(models.TextChoices):
    """What a key opens: one door each, so a leaked sensor key files no report."""

    OPEN311 = "open311", _("Open311 (services et applications partenaires)")
    SENSORS = "sensors", _("Capteurs de la commune (envoi des mesures)")


class ApiKey(models.Model):
    """A town's key for a machine client (a service's tool, a partner app, a
    sensor gateway). Only a hash is kept: the key is shown once, at creation
    (community/apikeys.py)."""

    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    purpose = models.CharField(_("usage"), max_length=16, choices=ApiKeyPurpose.choices)
    name = models.CharField(
        _("nom"),
        max_length=120,
        help_text=_("Qui l'utilise : « Service voirie », « Appli Ma Rue »…"),
    )
    # The first characters of the key, shown in the admin to tell keys apart and
    # used to find the row; the rest is only ever compared through its hash.
    prefix = models.CharField(_("début de la clé"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernier usage"), null=True, blank=True)

    class Meta:
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")
        ordering = ["town", "purpose", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.domains import DomainsField, domain_labels

from .towns import Neighbourhood

# No 0/O, 1/I/L: a public id is read aloud on a doorstep and typed on a phone.
PUBLIC_ID_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PUBLIC_ID_LENGTH = 10


def new_public_id() -> str:
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


class HouseholdStatus(models.TextChoices):
    PRE_REGISTERED = "pre_registered", _("Pré-inscrit")
    ACTIVE = "active", _("Actif")
    LEFT = "left", _("Parti")


class Household(models.Model):
    """A participating household, known outside the site only by its public id."""

    public_id = models.CharField(
        _("identifiant public"),
        max_length=16,
        unique=True,
        default=new_public_id,
        editable=False,
        help_text=_("Pseudonyme transmis au cœur de calcul des points."),
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    domains = DomainsField(_("domaines choisis"), blank=True)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=HouseholdStatus.choices,
        default=HouseholdStatus.PRE_REGISTERED,
        db_index=True,
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    joined_at = models.DateTimeField(_("inscrit le"), null=True, blank=True)
    left_at = models.DateTimeField(_("parti le"), null=True, blank=True)

    class Meta:
        verbose_name = _("foyer")
        verbose_name_plural = _("foyers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("Foyer %(id)s") % {"id": self.public_id}

    def domain_labels(self) -> list[str]:
        return domain_labels(self.domains)

"""Référents: people or local businesses the town's moderators vetted for domains.

A role of the town held by one member (the person, or whoever answers for the
business), for one or more of the programme's domains. Shown as a badge with
the domain wherever the member's name is (`community.referents`); the
référents' questions (referents app) notify the référents of a domain.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.domains import DomainsField, domain_labels

from .members import Member
from .towns import TownPage


class ReferentKind(models.TextChoices):
    PERSON = "person", _("personne")
    BUSINESS = "business", _("commerce ou entreprise locale")


class Referent(models.Model):
    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="referents",
    )
    member = models.OneToOneField(
        Member,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="referent",
        help_text=_(
            "Le compte qui répond (pour un commerce : la personne qui le représente)."
        ),
    )
    kind = models.CharField(
        _("type"),
        max_length=10,
        choices=ReferentKind.choices,
        default=ReferentKind.PERSON,
    )
    title = models.CharField(
        _("qualité"),
        max_length=120,
        help_text=_(
            "Ce qui est affiché avec le badge : « Conseillère énergie », "
            "« Plombier », le nom du commerce…"
        ),
    )
    domains = DomainsField(_("domaines"))
    active = models.BooleanField(_("actif"), default=True)
    granted_at = models.DateTimeField(_("accordé le"), default=timezone.now)

    class Meta:
        verbose_name = _("référent")
        verbose_name_plural = _("référents")
        ordering = ["title"]
        indexes = [models.Index(fields=["town", "active"], name="referent_town_active")]

    def __str__(self) -> str:
        return f"{self.title} ({self.member.display_name})"

    def domain_labels(self) -> list[str]:
        return domain_labels(self.domains)

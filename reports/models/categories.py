from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models import TownPage


class ReportCategory(models.Model):
    """What a resident may report in a town (« Éclairage public »), the Open311
    service code it is known by, and the town service that handles it."""

    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="report_categories",
    )
    name = models.CharField(_("nom"), max_length=80)
    service_code = models.CharField(
        _("code de service"),
        max_length=40,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_-]+$",
                _("Lettres, chiffres, tirets et soulignés uniquement."),
            )
        ],
        help_text=_("Le code Open311 de la catégorie, par exemple « eclairage »."),
    )
    service_name = models.CharField(
        _("service responsable"),
        max_length=120,
        help_text=_("Le service de la commune qui traite ces signalements."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    active = models.BooleanField(
        _("proposée aux habitants"),
        default=True,
        help_text=_(
            "Une catégorie retirée reste sur les signalements déjà faits, mais "
            "n'est plus proposée."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("catégorie de signalement")
        verbose_name_plural = _("catégories de signalement")
        ordering = ["town", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "service_code"],
                name="reportcategory_unique_code_per_town",
            )
        ]

    def __str__(self) -> str:
        return self.name

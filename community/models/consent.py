"""Consent: the exact, versioned texts residents agree to, and who agreed when."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .households import Household
from .members import Member
from .towns import TownPage


class ConsentKind(models.TextChoices):
    PARTICIPATION = "participation", _("Participation au programme")
    # Household-level, optional, separate from participation: the university's
    # pseudonymised aggregates count only households that gave it.
    RESEARCH = "research", _("Utilisation pour la recherche")


class ConsentText(models.Model):
    """One published version of a consent text; a published text never changes.

    Each town has its own texts; those without a town are the template a new
    town copies (community.actions.do_create_town), and what a town with no
    text of its own shows (community.privacy.current_consent_text).
    """

    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consent_texts",
        help_text=_("Vide : le modèle que copient les nouvelles communes."),
    )
    kind = models.CharField(
        _("type"), max_length=32, choices=ConsentKind.choices, db_index=True
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("texte"))
    published_at = models.DateTimeField(_("publié le"), default=timezone.now)

    class Meta:
        verbose_name = _("texte de consentement")
        verbose_name_plural = _("textes de consentement")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "kind", "version"],
                name="consenttext_unique_version_per_town",
            ),
            models.UniqueConstraint(
                fields=["kind", "version"],
                condition=Q(town__isnull=True),
                name="consenttext_unique_template_version",
            ),
        ]

    def __str__(self) -> str:
        return _("%(kind)s, version %(version)s") % {
            "kind": self.get_kind_display(),
            "version": self.version,
        }


class ConsentRecord(models.Model):
    """A household's or a member's agreement to one version of a text."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    text = models.ForeignKey(
        ConsentText,
        verbose_name=_("texte accepté"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    given_at = models.DateTimeField(_("donné le"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recueilli par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(member__isnull=False),
                name="consentrecord_has_subject",
            )
        ]

    def __str__(self) -> str:
        return str(self.text)

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

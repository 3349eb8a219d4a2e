"""The action catalogue and the points rules (docs/scoring-core.md, "Points")."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from community.domains import Domain

# Points of a declared, difficulty-1, one-off action: every other figure is a
# multiple of it, so that a photo's ×1.5 always lands on a whole number.
POINTS_UNIT = 10


class Commitment(models.TextChoices):
    ONE_OFF = "one_off", _("Ponctuelle")
    MONTHLY = "monthly", _("Mensuelle")
    ONGOING = "ongoing", _("Durable")


class ProofLevel(models.TextChoices):
    DECLARED = "declared", _("Déclarée")
    PHOTO = "photo", _("Avec photo")
    CONFIRMED = "confirmed", _("Confirmée par un ambassadeur")


COMMITMENT_FACTORS: dict[str, int] = {
    Commitment.ONE_OFF: 1,
    Commitment.MONTHLY: 2,
    Commitment.ONGOING: 3,
}
PROOF_MULTIPLIERS: dict[str, Decimal] = {
    ProofLevel.DECLARED: Decimal("1"),
    ProofLevel.PHOTO: Decimal("1.5"),
    ProofLevel.CONFIRMED: Decimal("2"),
}
# Proof only ever goes up: declared < photo < confirmed.
PROOF_ORDER: dict[str, int] = {
    ProofLevel.DECLARED: 0,
    ProofLevel.PHOTO: 1,
    ProofLevel.CONFIRMED: 2,
}


def base_points(difficulty: int, commitment: str) -> int:
    """Points before proof: 10 × difficulty (1-3) × commitment (1, 2 or 3)."""
    return POINTS_UNIT * int(difficulty) * COMMITMENT_FACTORS[commitment]


def points_for(
    difficulty: int, commitment: str, proof: str, fixed_points: int | None = None
) -> int:
    """Points awarded for one action (one unit) at a proof level, rounded half up.

    `fixed_points`, when set, replaces 10 × difficulty × commitment: the unit
    of a measured action (a flash challenge's saving, 1 point a unit).
    """
    base = fixed_points if fixed_points else base_points(difficulty, commitment)
    raw = Decimal(base) * PROOF_MULTIPLIERS[proof]
    return int(raw.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


class ActionType(index.Indexed, models.Model):
    """An action a household can log; moderators edit the catalogue as snippets."""

    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9][a-z0-9_-]*$",
                _("Minuscules, chiffres, tirets et soulignés uniquement."),
            )
        ],
        help_text=_(
            "Identifiant stable envoyé au cœur de calcul, ex. « douche-courte »."
        ),
    )
    label = models.CharField(_("intitulé"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    domain = models.CharField(_("domaine"), max_length=20, choices=Domain.choices)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulté"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 facile, 2 moyenne, 3 difficile."),
    )
    commitment = models.CharField(
        _("engagement"),
        max_length=10,
        choices=Commitment.choices,
        default=Commitment.ONE_OFF,
    )
    # Set by the site's own code only (scoring.actions.ensure_action_type),
    # not offered in the catalogue's form: the points of one unit of a
    # measured action, whatever the difficulty and commitment.
    fixed_points = models.PositiveSmallIntegerField(
        _("points fixes par unité"), null=True, blank=True
    )
    active = models.BooleanField(
        _("proposée"),
        default=True,
        help_text=_(
            "Une action déjà utilisée ne peut pas être supprimée : "
            "décochez cette case pour la retirer du catalogue."
        ),
    )

    panels = [
        FieldPanel("code"),
        FieldPanel("label"),
        FieldPanel("description"),
        FieldPanel("domain"),
        FieldPanel("difficulty"),
        FieldPanel("commitment"),
        FieldPanel("active"),
    ]
    search_fields = [index.SearchField("label"), index.AutocompleteField("label")]

    class Meta:
        verbose_name = _("action du catalogue")
        verbose_name_plural = _("catalogue des actions")
        ordering = ["domain", "label"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(difficulty__gte=1, difficulty__lte=3),
                name="actiontype_difficulty_1_3",
            ),
            models.CheckConstraint(
                condition=models.Q(fixed_points__isnull=True)
                | models.Q(fixed_points__gte=1),
                name="actiontype_fixed_points_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def base_points(self) -> int:
        if self.fixed_points:
            return self.fixed_points
        return base_points(self.difficulty, self.commitment)

    def points(self, proof: str = ProofLevel.DECLARED) -> int:
        return points_for(self.difficulty, self.commitment, proof, self.fixed_points)

"""Flash challenges: a one-day challenge counted only during given hours.

A grid alert (gridalerts, above this app) or a moderator starts one; the page
is an ordinary `ChallengePage` (start = end = the day) and `FlashWindow` marks
it flash with its hours. `FlashResult` holds each participating household's
measured or declared outcome, written the next day by gridalerts through
`challenges.actions.do_record_flash_results`.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.models import Household, Neighbourhood

from .pages import ChallengePage


class FlashLevel(models.IntegerChoices):
    MANUAL = 0, _("Lancé par un modérateur")
    ORANGE = 2, _("Alerte orange")
    RED = 3, _("Alerte rouge")


class FlashWindow(models.Model):
    """The alert hours of a flash challenge (local hours 0-23, Europe/Paris)."""

    challenge = models.OneToOneField(
        ChallengePage,
        verbose_name=_("défi"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="flash",
    )
    hours = models.JSONField(_("heures de l'alerte"), default=list)
    level = models.PositiveSmallIntegerField(
        _("niveau"), choices=FlashLevel.choices, default=FlashLevel.MANUAL
    )
    reason = models.CharField(_("motif"), max_length=200, blank=True)
    participation_points = models.PositiveIntegerField(
        _("points de participation"), default=0
    )
    points_per_kwh = models.PositiveIntegerField(
        _("points par kWh économisé"), default=0
    )
    # Set once every participating household has its result (the next day).
    scored_at = models.DateTimeField(_("résultats calculés le"), null=True, blank=True)

    class Meta:
        verbose_name = _("défi flash")
        verbose_name_plural = _("défis flash")

    def __str__(self) -> str:
        return f"{self.challenge_id}:{self.hours}"

    def covers_hour(self, hour: int) -> bool:
        return hour in self.hours

    def hour_ranges(self) -> list[tuple[int, int]]:
        """The hours as [start, end) ranges: [8, 9, 10, 17] → [(8, 11), (17, 18)]."""
        ranges: list[tuple[int, int]] = []
        for hour in sorted(self.hours):
            if ranges and ranges[-1][1] == hour:
                ranges[-1] = (ranges[-1][0], hour + 1)
            else:
                ranges.append((hour, hour + 1))
        return ranges

    def hours_label(self) -> str:
        """« 8 h – 13 h, 17 h – 20 h »."""
        return ", ".join(
            gettext("%(start)d h – %(end)d h") % {"start": start, "end": end}
            for start, end in self.hour_ranges()
        )


class FlashResult(models.Model):
    """A participating household's outcome in a flash challenge, written once."""

    challenge = models.ForeignKey(
        ChallengePage,
        verbose_name=_("défi"),
        on_delete=models.CASCADE,
        related_name="flash_results",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="flash_results",
    )
    # The household's neighbourhood on the day (the rule of 5 counts by it).
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # True: measured by the Linky load curve; False: declared actions only.
    measured = models.BooleanField(_("mesuré par le compteur"), default=False)
    baseline_kwh = models.DecimalField(
        _("consommation habituelle (kWh)"),
        max_digits=9,
        decimal_places=3,
        null=True,
        blank=True,
    )
    actual_kwh = models.DecimalField(
        _("consommation pendant l'alerte (kWh)"),
        max_digits=9,
        decimal_places=3,
        null=True,
        blank=True,
    )
    saved_kwh = models.DecimalField(
        _("économie (kWh)"),
        max_digits=9,
        decimal_places=3,
        default=0,
        validators=[MinValueValidator(0)],
    )
    points = models.PositiveIntegerField(
        _("points"), default=0, validators=[MaxValueValidator(100_000)]
    )
    created_at = models.DateTimeField(_("calculé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("résultat de défi flash")
        verbose_name_plural = _("résultats de défis flash")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "household"], name="flash_result_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id}:{self.household_id}"

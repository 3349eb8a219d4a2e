"""Grid alerts: each town's Ecowatt settings, the imported signal days, the
flash challenges they started, and the members who want to be told."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.domains import Domain
from community.models import Member, TownPage

# « 8-13, 17-20 »: from 8:00 to 13:00 and from 17:00 to 20:00 (end excluded).
HOUR_RANGE = re.compile(r"^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$")
DEFAULT_FIXED_HOURS = "8-13, 17-20"


def parse_hours(text: str) -> list[int]:
    """« 8-13, 17-20 » → [8, …, 12, 17, 18, 19]; ValidationError if unreadable."""
    hours: set[int] = set()
    for part in (text or "").split(","):
        if not part.strip():
            continue
        found = HOUR_RANGE.match(part)
        start, end = (int(found[1]), int(found[2])) if found else (-1, -1)
        if not (0 <= start < end <= 24):
            raise ValidationError(
                _(
                    "Plages horaires attendues comme « 8-13, 17-20 » "
                    "(de 0 à 24, début avant fin)."
                )
            )
        hours.update(range(start, end))
    if not hours:
        raise ValidationError(_("Indiquez au moins une plage horaire."))
    return sorted(hours)


class Level(models.IntegerChoices):
    GREEN = 1, _("Vert : pas d'alerte")
    ORANGE = 2, _("Orange : système électrique tendu")
    RED = 3, _("Rouge : système électrique très tendu")


class HoursMode(models.TextChoices):
    SIGNAL = "signal", _("Les heures orange ou rouges du signal")
    FIXED = "fixed", _("Des heures fixes")


class GridAlertSettings(models.Model):
    """A town's Ecowatt source and the template of its flash challenges."""

    town = models.OneToOneField(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="grid_alert_settings",
    )
    source_url = models.URLField(
        _("adresse du signal Ecowatt"),
        blank=True,
        help_text=_(
            "Le JSON du signal, lu par « manage.py import_ecowatt » ; vide : "
            "aucun import automatique."
        ),
    )
    flash_enabled = models.BooleanField(
        _("lancer un défi flash aux jours orange et rouges"), default=True
    )
    hours_mode = models.CharField(
        _("heures du défi"),
        max_length=10,
        choices=HoursMode.choices,
        default=HoursMode.SIGNAL,
    )
    fixed_hours = models.CharField(
        _("heures fixes"),
        max_length=100,
        default=DEFAULT_FIXED_HOURS,
        help_text=_(
            "Plages de début à fin, par exemple « 8-13, 17-20 ». Servent aussi "
            "quand le signal n'a aucune heure orange ou rouge."
        ),
    )
    goal = models.TextField(
        _("objectif"),
        max_length=500,
        default=_(
            "Décalez le lave-linge, baissez le chauffage d'un degré, éteignez "
            "les appareils en veille pendant les heures d'alerte."
        ),
    )
    domain = models.CharField(
        _("domaine"), max_length=20, choices=Domain.choices, default=Domain.ENERGY
    )
    participation_points = models.PositiveIntegerField(
        _("points de participation"),
        default=20,
        validators=[MaxValueValidator(1000)],
    )
    points_per_kwh = models.PositiveIntegerField(
        _("points par kWh économisé"),
        default=10,
        validators=[MaxValueValidator(1000)],
    )

    class Meta:
        verbose_name = _("réglages des alertes réseau")
        verbose_name_plural = _("réglages des alertes réseau")

    def __str__(self) -> str:
        return str(self.town)

    def clean(self) -> None:
        super().clean()
        try:
            parse_hours(self.fixed_hours)
        except ValidationError as error:
            raise ValidationError({"fixed_hours": error.messages}) from error

    def hours_for(self, hourly: list[int]) -> list[int]:
        """The challenge's hours for a day's hourly levels (0-23)."""
        if self.hours_mode == HoursMode.SIGNAL:
            tense = [hour for hour, level in enumerate(hourly) if level >= Level.ORANGE]
            if tense:
                return tense
        return parse_hours(self.fixed_hours)


class GridSignalDay(models.Model):
    """One day of a town's Ecowatt signal, as last imported."""

    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="grid_signal_days",
    )
    day = models.DateField(_("jour"))
    dvalue = models.PositiveSmallIntegerField(
        _("niveau du jour"),
        choices=Level.choices,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    # The 24 hourly levels (`pas` 0 to 23 → `hvalue` 0 to 3).
    hourly = models.JSONField(_("niveaux horaires"), default=list)
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("jour du signal Ecowatt")
        verbose_name_plural = _("jours du signal Ecowatt")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["town", "day"], name="signal_day_once"),
            models.CheckConstraint(
                condition=models.Q(dvalue__gte=1, dvalue__lte=3),
                name="signal_day_dvalue_1_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town_id}:{self.day}:{self.dvalue}"

    @property
    def is_alert(self) -> bool:
        return self.dvalue >= Level.ORANGE


class FlashLaunch(models.Model):
    """The flash challenge a town started for a day: once per (town, day)."""

    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="flash_launches",
    )
    day = models.DateField(_("jour"))
    challenge = models.OneToOneField(
        "challenges.ChallengePage",
        verbose_name=_("défi"),
        on_delete=models.CASCADE,
        related_name="flash_launch",
    )
    # None: started by hand (a heat wave, a water restriction).
    signal = models.ForeignKey(
        GridSignalDay,
        verbose_name=_("signal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="launches",
    )
    started_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("lancé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lancé le"), default=timezone.now)

    class Meta:
        verbose_name = _("lancement de défi flash")
        verbose_name_plural = _("lancements de défis flash")
        constraints = [
            # One challenge per alert day (signal days are unique per town and
            # day); moderators may add manual ones.
            models.UniqueConstraint(
                fields=["town", "day"],
                condition=models.Q(signal__isnull=False),
                name="flash_launch_once_per_alert_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.town_id}:{self.day}"


class GridAlertOptIn(models.Model):
    """A member who asked to be told of grid alerts and their flash challenges."""

    member = models.OneToOneField(
        Member,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="grid_alert_opt_in",
    )
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)

    class Meta:
        verbose_name = _("inscription aux alertes réseau")
        verbose_name_plural = _("inscriptions aux alertes réseau")

    def __str__(self) -> str:
        return str(self.member_id)

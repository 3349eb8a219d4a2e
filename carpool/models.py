"""Car-pooling between neighbours (issue 18): trips offered or asked for, the
matches between an offer and a request, and the rides both members confirm.

A trip's ends are a neighbourhood and a meeting point (a position and a short
label such as « Parking de la mairie »), never an address (docs/carpool.md).
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from community.models import Member, Neighbourhood, TownPage

LABEL_MAX_LENGTH = 80
MAX_SEATS = 8

# Monday first, as `date.weekday()` counts; a regular trip keeps its days as a
# bit mask (bit 0 = Monday) so that « a common weekday » is one SQL `&`.
WEEKDAYS = (
    (0, _("lundi")),
    (1, _("mardi")),
    (2, _("mercredi")),
    (3, _("jeudi")),
    (4, _("vendredi")),
    (5, _("samedi")),
    (6, _("dimanche")),
)


def weekday_mask(days: list[int] | set[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << int(day)
    return mask


def mask_days(mask: int) -> list[int]:
    return [day for day, _label in WEEKDAYS if mask & (1 << day)]


class TripKind(models.TextChoices):
    OFFER = "offer", _("Je propose des places")
    REQUEST = "request", _("Je cherche une place")


class TripState(models.TextChoices):
    ACTIVE = "active", _("Actif")
    CLOSED = "closed", _("Fermé")


class Trip(models.Model):
    """An offer (a driver and their free seats) or a request (a passenger and
    the seats wanted), regular (days and time) or one-off (a date and time)."""

    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="carpool_trips",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="carpool_trips",
    )
    kind = models.CharField(_("type"), max_length=10, choices=TripKind.choices)
    seats = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)]
    )
    from_neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier de départ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_label = models.CharField(
        _("point de rendez-vous au départ"), max_length=LABEL_MAX_LENGTH
    )
    from_latitude = models.FloatField(_("latitude du départ"))
    from_longitude = models.FloatField(_("longitude du départ"))
    to_neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier d'arrivée"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_label = models.CharField(
        _("point de rendez-vous à l'arrivée"), max_length=LABEL_MAX_LENGTH
    )
    to_latitude = models.FloatField(_("latitude de l'arrivée"))
    to_longitude = models.FloatField(_("longitude de l'arrivée"))
    regular = models.BooleanField(_("trajet régulier"), default=False)
    weekdays = models.PositiveSmallIntegerField(
        _("jours (masque, lundi = 1)"), default=0
    )
    date = models.DateField(_("date"), null=True, blank=True)
    time = models.TimeField(_("heure de départ"))
    state = models.CharField(
        _("état"),
        max_length=10,
        choices=TripState.choices,
        default=TripState.ACTIVE,
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    closed_at = models.DateTimeField(_("fermé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("trajet")
        verbose_name_plural = _("trajets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["town", "state", "kind"], name="trip_town_state_kind"),
            # Matching pre-filters on the departure's latitude within a town.
            models.Index(
                fields=["town", "from_latitude"], name="trip_town_from_latitude"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(regular=True, weekdays__gt=0, date__isnull=True)
                    | models.Q(regular=False, date__isnull=False)
                ),
                name="trip_regular_days_or_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.from_label} → {self.to_label}"

    @property
    def is_offer(self) -> bool:
        return self.kind == TripKind.OFFER

    @property
    def is_active(self) -> bool:
        return self.state == TripState.ACTIVE

    @property
    def days(self) -> list[int]:
        return mask_days(self.weekdays)

    def day_labels(self) -> list[str]:
        return [str(label) for day, label in WEEKDAYS if self.weekdays & (1 << day)]

    def when_text(self) -> str:
        """« lundi, jeudi à 08:00 » or « le 12/12/2026 à 08:00 »."""
        time = formats.time_format(self.time, "TIME_FORMAT")
        if self.regular:
            return _("%(days)s à %(time)s") % {
                "days": ", ".join(self.day_labels()),
                "time": time,
            }
        return _("le %(date)s à %(time)s") % {
            "date": formats.date_format(self.date, "SHORT_DATE_FORMAT"),
            "time": time,
        }


class Match(models.Model):
    """An offer and a request that fit each other by place and time, proposed
    to both members once (carpool.matching)."""

    offer = models.ForeignKey(
        Trip,
        verbose_name=_("offre"),
        on_delete=models.CASCADE,
        related_name="matches_as_offer",
    )
    request = models.ForeignKey(
        Trip,
        verbose_name=_("demande"),
        on_delete=models.CASCADE,
        related_name="matches_as_request",
    )
    created_at = models.DateTimeField(_("proposé le"), default=timezone.now)

    class Meta:
        verbose_name = _("trajet correspondant")
        verbose_name_plural = _("trajets correspondants")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "request"], name="carpool_match_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} ↔ {self.request_id}"


class Ride(models.Model):
    """A trip made together on a day: one of the two members says « Nous avons
    fait ce trajet le … », the other confirms; points once confirmed."""

    match = models.ForeignKey(
        Match,
        verbose_name=_("trajets correspondants"),
        on_delete=models.CASCADE,
        related_name="rides",
    )
    date = models.DateField(_("date du trajet"))
    proposed_by = models.ForeignKey(
        Member,
        verbose_name=_("proposé par"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposé le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("trajet fait ensemble")
        verbose_name_plural = _("trajets faits ensemble")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["match", "date"], name="carpool_ride_day")
        ]

    def __str__(self) -> str:
        return f"{self.match_id} {self.date:%Y-%m-%d}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    def date_text(self) -> str:
        return formats.date_format(self.date, "SHORT_DATE_FORMAT")

    def occurred_at(self) -> datetime.datetime:
        """Noon of the ride's day in the site's time zone (the points' date)."""
        return timezone.make_aware(
            datetime.datetime.combine(self.date, datetime.time(12, 0))
        )

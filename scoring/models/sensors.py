"""Daily sensor readings per household, and each household's first-weeks baseline."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Household


class Metric(models.TextChoices):
    ELECTRICITY_KWH = "electricity_kwh", _("Électricité (kWh)")
    GAS_KWH = "gas_kwh", _("Gaz (kWh)")
    WATER_L = "water_l", _("Eau (litres)")


METRIC_UNITS: dict[str, str] = {
    Metric.ELECTRICITY_KWH: "kWh",
    Metric.GAS_KWH: "kWh",
    Metric.WATER_L: "L",
}


class ReadingSource(models.TextChoices):
    """Where a household's readings came from (the contract's `source`)."""

    CSV_IMPORT = "csv_import", _("Import par l'opérateur")
    ENEDIS_DAILY = "enedis_daily", _("Linky, consommation journalière")
    ENEDIS_LOAD_CURVE = "enedis_load_curve", _("Linky, courbe de charge")
    GAZPAR = "gazpar", _("Gazpar, relevés journaliers")
    INDEX = "index", _("Index relevé au compteur")


class SensorReading(models.Model):
    """One household's consumption of one metric on one day."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    metric = models.CharField(_("mesure"), max_length=20, choices=Metric.choices)
    date = models.DateField(_("jour"))
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=3)
    # Spread evenly from two meter indexes, not measured day by day.
    estimated = models.BooleanField(_("estimé"), default=False)
    source = models.CharField(
        _("origine"),
        max_length=20,
        choices=ReadingSource.choices,
        default=ReadingSource.CSV_IMPORT,
    )
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)

    class Meta:
        verbose_name = _("relevé")
        verbose_name_plural = _("relevés")
        ordering = ["household", "metric", "date"]
        # Summaries read many households over a few days: without it, the
        # household index scans each one's whole history and filters the dates
        # (bench/scoring_bench.py, docs/performance.md).
        indexes = [
            models.Index(fields=["household", "date"], name="reading_household_date")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "metric", "date"],
                name="reading_unique_per_household_metric_day",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="reading_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.date}: {self.value}"


class MetricBaseline(models.Model):
    """Mean daily value over a household's first 4 weeks of readings of a metric.

    Derived data: `scoring.actions.do_import_readings` recomputes it for every
    household and metric an import touches, in the same transaction.
    """

    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    metric = models.CharField(_("mesure"), max_length=20, choices=Metric.choices)
    first_date = models.DateField(_("premier relevé"))
    days = models.PositiveSmallIntegerField(_("jours relevés"))
    daily_mean = models.DecimalField(
        _("moyenne journalière"), max_digits=14, decimal_places=4
    )

    class Meta:
        verbose_name = _("référence des premières semaines")
        verbose_name_plural = _("références des premières semaines")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "metric"], name="baseline_unique_per_metric"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.daily_mean}/j"


class HourlyReading(models.Model):
    """One household's electricity in one hour, summed from a load curve's steps."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    metric = models.CharField(
        _("mesure"),
        max_length=20,
        choices=Metric.choices,
        default=Metric.ELECTRICITY_KWH,
    )
    # The hour's start, stored in UTC: a local 02:00 happens twice in October.
    starts_at = models.DateTimeField(_("début de l'heure"))
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=4)
    source = models.CharField(
        _("origine"), max_length=20, choices=ReadingSource.choices
    )
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)

    class Meta:
        verbose_name = _("relevé horaire")
        verbose_name_plural = _("relevés horaires")
        ordering = ["household", "metric", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "metric", "starts_at"],
                name="hourly_unique_per_household_metric_hour",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="hourly_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.starts_at:%Y-%m-%d %H:%M}: {self.value}"


class ReadingBatch(models.Model):
    """One `POST households/{id}/readings` call, kept for its idempotency key.

    The same key with the same body answers the first result again; the same
    key with another body is a conflict (as for actions).
    """

    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    source = models.CharField(
        _("origine"), max_length=20, choices=ReadingSource.choices
    )
    result = models.JSONField(_("réponse"), default=dict)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now)

    class Meta:
        verbose_name = _("envoi de relevés")
        verbose_name_plural = _("envois de relevés")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "idempotency_key"],
                name="reading_batch_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.created_at:%Y-%m-%d}"


class DegreeDay(models.Model):
    """A town's heating degree-days (DJU) of one day, loaded from a `date;DJU` CSV."""

    town = models.ForeignKey(
        "community.TownPage",
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField(_("jour"))
    value = models.DecimalField(_("DJU"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("degré-jour unifié")
        verbose_name_plural = _("degrés-jours unifiés")
        ordering = ["town", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "date"], name="degree_day_unique_per_town_day"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="degree_day_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.value}"

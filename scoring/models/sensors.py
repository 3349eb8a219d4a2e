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

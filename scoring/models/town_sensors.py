"""Values of the towns' public sensors (temperatures, car parks, street lights).

The core keeps no registry of sensors: a value belongs to a (town id, sensor
id) pair the site names when it sends it, and the site reads back the sensors
of a town it knows (docs/scoring-core.md, « Capteurs de la commune »).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TownSensorReading(models.Model):
    """One value of one town sensor at one instant; the same instant again replaces."""

    town_id = models.PositiveBigIntegerField(_("commune"))
    sensor_id = models.CharField(_("capteur"), max_length=64)
    observed_at = models.DateTimeField(_("mesuré le"))
    value = models.FloatField(_("valeur"))
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)

    class Meta:
        verbose_name = _("mesure d'un capteur de la commune")
        verbose_name_plural = _("mesures des capteurs de la commune")
        constraints = [
            models.UniqueConstraint(
                fields=["town_id", "sensor_id", "observed_at"],
                name="town_sensor_reading_unique",
            )
        ]
        indexes = [
            # A town's last 7 days (the series of all its sensors at once).
            models.Index(
                fields=["town_id", "observed_at"], name="town_sensor_town_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sensor_id} {self.observed_at:%Y-%m-%d %H:%M} {self.value}"


class TownSensorLatest(models.Model):
    """Each sensor's latest value: a town's sensors read in one indexed query,
    without scanning their history for its newest row."""

    town_id = models.PositiveBigIntegerField(_("commune"))
    sensor_id = models.CharField(_("capteur"), max_length=64)
    observed_at = models.DateTimeField(_("mesuré le"))
    value = models.FloatField(_("valeur"))

    class Meta:
        verbose_name = _("dernière mesure d'un capteur")
        verbose_name_plural = _("dernières mesures des capteurs")
        constraints = [
            models.UniqueConstraint(
                fields=["town_id", "sensor_id"], name="town_sensor_latest_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sensor_id} {self.value}"

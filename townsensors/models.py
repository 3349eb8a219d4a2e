import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models import TownPage


def uuid4_hex() -> str:
    return uuid.uuid4().hex


class SensorKind(models.TextChoices):
    TEMPERATURE = "temperature", _("température")
    PARKING = "parking", _("places libres d'un parking")
    LIGHTING = "lighting", _("éclairage public")
    AIR = "air", _("qualité de l'air")
    NOISE = "noise", _("bruit")
    OTHER = "other", _("autre")


class TownSensor(models.Model):
    """A sensor the town owns in its public space: where it is, what it
    measures, how often it should speak. Its values are kept by the scoring
    core (`POST sensors/readings`), under `public_id`."""

    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="sensors",
    )
    name = models.CharField(_("nom"), max_length=120)
    kind = models.CharField(_("type"), max_length=16, choices=SensorKind.choices)
    unit = models.CharField(
        _("unité"), max_length=16, blank=True, help_text=_("°C, places, %, dB…")
    )
    # What gateways send as `sensor`: stable, opaque, unique across towns.
    public_id = models.SlugField(
        _("identifiant"),
        max_length=64,
        unique=True,
        default=uuid4_hex,
        help_text=_("Le nom du capteur dans les envois de mesures."),
    )
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    expected_interval_minutes = models.PositiveIntegerField(
        _("intervalle attendu (minutes)"),
        default=15,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Sans mesure depuis plus longtemps, le capteur est montré « silencieux »."
        ),
    )
    active = models.BooleanField(_("en service"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("capteur de la commune")
        verbose_name_plural = _("capteurs de la commune")
        ordering = ["town", "name"]

    def __str__(self) -> str:
        return self.name

"""A household's own meter data on the site's side: uploaded files and typed indexes.

The readings themselves belong to the scoring core and reach it through
`scoring.client.send_readings` only (docs/meters.md); these tables keep what
the household gave, so a preview survives until it is confirmed, a core that
does not answer loses nothing, and « Mes données » can show and erase it all.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Household


def _private_storage():
    # Outside MEDIA_ROOT and without a URL, as the « Mes données » archives.
    return storages["exports"]


class MeterKind(models.TextChoices):
    ELECTRICITY = "electricity", _("Électricité")
    GAS = "gas", _("Gaz")
    WATER = "water", _("Eau")


class UploadStatus(models.TextChoices):
    PENDING = "pending", _("En attente de confirmation")
    # Confirmed while the scoring core did not answer: sent later, once.
    QUEUED = "queued", _("Confirmé, en attente d'envoi")
    STORED = "stored", _("Enregistré")
    CANCELLED = "cancelled", _("Annulé")
    # The core refused it when it was sent from the queue (see `result`).
    REFUSED = "refused", _("Refusé")


def _upload_path(upload: "MeterUpload", filename: str) -> str:
    return f"meters/{upload.household_id}/{upload.pk}"


class MeterUpload(models.Model):
    """A file from the Enedis or GRDF customer area: parsed, previewed, then stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="meter_uploads",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("envoyé par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # A scoring ReadingSource value: enedis_daily, enedis_load_curve, gazpar.
    source = models.CharField(_("type de fichier"), max_length=20)
    meter_kind = models.CharField(
        _("compteur"), max_length=20, choices=MeterKind.choices
    )
    # PRM (Linky) or PCE (Gazpar), as the file gives it.
    meter_id = models.CharField(_("numéro du compteur"), max_length=32, blank=True)
    original_name = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    # What the preview shows: first_day, last_day, days, total, unit,
    # missing_days, replaced_days.
    summary = models.JSONField(_("résumé"), default=dict)
    # The contract's body without its key: {"daily": [...], "hourly": [...]}.
    readings = models.JSONField(_("relevés"), default=dict)
    status = models.CharField(
        _("état"),
        max_length=20,
        choices=UploadStatus.choices,
        default=UploadStatus.PENDING,
    )
    idempotency_key = models.CharField(max_length=64, unique=True)
    # The core's answer once stored: days created, replaced, unchanged.
    result = models.JSONField(_("réponse du cœur"), default=dict, blank=True)
    keep_file = models.BooleanField(_("garder une copie du fichier"), default=False)
    file = models.FileField(
        _("copie du fichier"),
        storage=_private_storage,
        upload_to=_upload_path,
        blank=True,
    )
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    stored_at = models.DateTimeField(_("enregistré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("fichier de compteur")
        verbose_name_plural = _("fichiers de compteur")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["household", "-created_at"], name="meter_upload_household"
            )
        ]

    def __str__(self) -> str:
        return self.original_name or str(self.pk)


class MeterIndex(models.Model):
    """An index read on a meter, typed by the household or by an ambassador for it."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="meter_indexes",
    )
    meter_kind = models.CharField(
        _("compteur"), max_length=20, choices=MeterKind.choices
    )
    read_on = models.DateField(_("relevé le"))
    # m³ for water and gas, kWh for electricity.
    value = models.DecimalField(_("index"), max_digits=12, decimal_places=3)
    # The household said the meter was replaced before this index: the
    # consumption restarts from it instead of being a negative difference.
    new_meter = models.BooleanField(_("nouveau compteur"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Set when an ambassador typed it on the household's behalf.
    assisted = models.BooleanField(_("saisi par un ambassadeur"), default=False)
    idempotency_key = models.CharField(max_length=64, unique=True)
    # The contract's `daily` list this index sends (the days from the previous
    # index to this one, and to the next one when typed between two), fixed
    # when typed so a queued send repeats the same body under the same key.
    readings = models.JSONField(_("relevés"), default=dict, blank=True)
    # Why the core refused a queued send, if it did.
    refusal = models.CharField(_("refus"), max_length=300, blank=True)
    # Days sent to the core from the previous index to this one, once answered.
    sent_at = models.DateTimeField(_("envoyé au cœur le"), null=True, blank=True)
    created_at = models.DateTimeField(_("saisi le"), default=timezone.now)

    class Meta:
        verbose_name = _("index de compteur")
        verbose_name_plural = _("index de compteur")
        ordering = ["household", "meter_kind", "read_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "meter_kind", "read_on"],
                name="meter_index_one_per_day",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="meter_index_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_meter_kind_display()} {self.read_on}: {self.value}"

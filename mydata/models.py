"""A member's data export: a ZIP built in the background, downloaded by its owner."""

import secrets
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Member


class ExportState(models.TextChoices):
    PENDING = "pending", _("En attente")
    BUILDING = "building", _("En préparation")
    READY = "ready", _("Prête")
    FAILED = "failed", _("Échec")


def new_token() -> str:
    return secrets.token_urlsafe(32)


class DataExport(models.Model):
    """One « Mes données » archive; the file lives under a random, private path."""

    # The URL names the export by this random id, never by a counter.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member = models.ForeignKey(
        Member,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    state = models.CharField(
        _("état"),
        max_length=16,
        choices=ExportState.choices,
        default=ExportState.PENDING,
        db_index=True,
    )
    # The storage path's secret part: the file is never served by /media/ with a
    # guessable name, only streamed by the owner's view.
    token = models.CharField(max_length=64, default=new_token, editable=False)
    file_name = models.CharField(_("fichier"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    requested_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("export de données")
        verbose_name_plural = _("exports de données")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["member", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.state}"

    @property
    def is_downloadable(self) -> bool:
        return (
            self.state == ExportState.READY
            and bool(self.file_name)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

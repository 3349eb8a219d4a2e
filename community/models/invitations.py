import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .households import PUBLIC_ID_ALPHABET, Household

CODE_GROUP = 4


def new_invitation_code() -> str:
    """Eight unambiguous characters, shown as XXXX-XXXX on the printed card."""
    raw = "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(2 * CODE_GROUP))
    return f"{raw[:CODE_GROUP]}-{raw[CODE_GROUP:]}"


def normalise_code(typed: str) -> str:
    """The stored form of a code however a person typed it (case, spaces, dash)."""
    raw = "".join(ch for ch in typed.upper() if ch.isalnum())
    return f"{raw[:CODE_GROUP]}-{raw[CODE_GROUP:]}" if len(raw) > CODE_GROUP else raw


class Invitation(models.Model):
    """A single-use code that lets one person join a household."""

    code = models.CharField(
        _("code"), max_length=16, unique=True, default=new_invitation_code
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émise par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    used_at = models.DateTimeField(_("utilisée le"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

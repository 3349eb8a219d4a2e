"""A member's push devices and what each kind of notification pushes to them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Member


class PushKind(models.TextChoices):
    """What a push can be about; `push.payloads.VERB_KINDS` maps verbs here."""

    MESSAGE = "message", _("Messages privés")
    REPLY = "reply", _("Réponses et mentions")
    REPORT = "report", _("Signalements suivis (changement d'état)")
    CHALLENGE = "challenge", _("Défis et badges")
    GRID_ALERT = "grid_alert", _("Alertes du réseau électrique et défis flash")
    LOCAL = (
        "local",
        _("Vie locale : événements, covoiturage, questions aux référents, télé locale"),
    )


class PushDevice(models.Model):
    """One browser of a member subscribed to web push (its PushSubscription)."""

    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="push_devices",
        verbose_name=_("membre"),
    )
    # The push service's URL for this browser: unique, whoever holds it.
    endpoint = models.TextField(_("adresse du service push"), unique=True)
    p256dh = models.CharField(_("clé publique du navigateur"), max_length=100)
    auth = models.CharField(_("secret d'authentification"), max_length=50)
    browser = models.CharField(_("navigateur"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("ajouté le"), default=timezone.now)
    # The last registration or successful push.
    last_used_at = models.DateTimeField(_("dernière utilisation"), default=timezone.now)
    # Failed pushes in a row (other than 404/410, which delete the device).
    failures = models.PositiveIntegerField(_("échecs consécutifs"), default=0)

    class Meta:
        verbose_name = _("appareil push")
        verbose_name_plural = _("appareils push")
        ordering = ["-last_used_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.browser}"


class PushPreference(models.Model):
    """Which kinds a member has pushed to their devices; no row: the defaults.

    Every kind is on by default (a member who turns push on for a device wants
    to be told); the text of messages and replies is off by default, as a
    phone's lock screen shows it to whoever holds the phone.
    """

    member = models.OneToOneField(
        Member,
        on_delete=models.CASCADE,
        related_name="push_preference",
        verbose_name=_("membre"),
    )
    message = models.BooleanField(PushKind.MESSAGE.label, default=True)
    reply = models.BooleanField(PushKind.REPLY.label, default=True)
    report = models.BooleanField(PushKind.REPORT.label, default=True)
    challenge = models.BooleanField(PushKind.CHALLENGE.label, default=True)
    grid_alert = models.BooleanField(PushKind.GRID_ALERT.label, default=True)
    local = models.BooleanField(PushKind.LOCAL.label, default=True)
    show_text = models.BooleanField(
        _("Afficher le texte des messages et des réponses dans la notification"),
        default=False,
    )

    class Meta:
        verbose_name = _("préférence push")
        verbose_name_plural = _("préférences push")

    def __str__(self) -> str:
        return f"{self.member_id}"

    def allows(self, kind: str) -> bool:
        return kind in PushKind.values and bool(getattr(self, kind))

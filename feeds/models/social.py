"""Who follows, mutes or blocks whom, and how each member wants to be notified."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Member


class FollowKind(models.TextChoices):
    MEMBER = "member", _("Un membre")
    NEIGHBOURHOOD = "neighbourhood", _("Un quartier")
    # Reserved for the ambassadors and challenges apps: the target id is then an
    # AmbassadorPage or a ChallengePage id. "Mon fil" already reads them.
    AMBASSADOR = "ambassador", _("Un ambassadeur")
    CHALLENGE = "challenge", _("Un défi")


class Follow(models.Model):
    """A member follows something: a kind and an id, so new kinds need no table."""

    follower = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="follows"
    )
    kind = models.CharField(_("type"), max_length=16, choices=FollowKind.choices)
    target_id = models.BigIntegerField(_("suivi"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "kind", "target_id"], name="follow_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "target_id"])]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.kind}:{self.target_id}"


class Mute(models.Model):
    """The muter no longer sees the muted member's posts and comments."""

    muter = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="mutes")
    muted = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_unique"),
            models.CheckConstraint(condition=~Q(muter=F("muted")), name="mute_other"),
        ]

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"


class Block(models.Model):
    """Neither member sees the other, and they cannot write to each other."""

    blocker = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="blocked_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
            models.CheckConstraint(
                condition=~Q(blocker=F("blocked")), name="block_other"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("Réponses et commentaires")
    MENTION = "mention", _("Mentions")
    REACTION = "reaction", _("Réactions")
    FOLLOW = "follow", _("Nouveaux abonnés")
    MESSAGE = "message", _("Messages privés")


class NotificationChannel(models.TextChoices):
    SITE = "site", _("Sur le site")
    EMAIL = "email", _("Sur le site et dans le résumé quotidien par e-mail")
    OFF = "off", _("Jamais")


class NotificationPreference(models.Model):
    """How one member wants one kind of notification; no row means "on the site"."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    channel = models.CharField(
        max_length=8,
        choices=NotificationChannel.choices,
        default=NotificationChannel.SITE,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind"], name="notificationpreference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind}: {self.channel}"

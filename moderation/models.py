"""Reports grouped by item, moderators' decisions (the audit log), sanctions,
appeals, and the original text of items a moderator edited or hid."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Member, Neighbourhood, TownPage

# The kinds of reportable things are those the apps register (common.kinds):
# a new kind adds no choice, no migration here. Moderation registers the
# member itself.
MEMBER = "member"


def kind_choices() -> list[tuple[str, str]]:
    """(name, label) of every registered kind, read when a form or list asks."""
    from common import kinds

    return [(kind.name, kind.label) for kind in kinds.all_kinds()]


class Reason(models.TextChoices):
    SPAM = "spam", _("Spam ou publicité")
    OFFENSIVE = "offensive", _("Propos blessants ou insultants")
    OFF_TOPIC = "off_topic", _("Hors sujet")
    PERSONAL_DATA = "personal_data", _("Données personnelles exposées")
    OTHER = "other", _("Autre")


class CaseState(models.TextChoices):
    OPEN = "open", _("À traiter")
    HIDDEN_PENDING = "hidden_pending", _("Masqué en attente de revue")
    RESOLVED = "resolved", _("Traité")


OPEN_STATES = (CaseState.OPEN, CaseState.HIDDEN_PENDING)


class ReportGroup(models.Model):
    """Every report on one item, grouped; one group at a time is open per item."""

    town = models.ForeignKey(
        TownPage, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=16, choices=kind_choices)
    object_id = models.BigIntegerField(_("identifiant"))
    # The member the item is about (its author, or the reported member).
    author = models.ForeignKey(
        Member,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    excerpt = models.CharField(_("extrait"), max_length=200, blank=True)
    state = models.CharField(
        _("état"), max_length=16, choices=CaseState.choices, default=CaseState.OPEN
    )
    report_count = models.PositiveIntegerField(_("signalements"), default=0)
    trusted_count = models.PositiveIntegerField(
        _("signalements de membres de confiance"), default=0
    )
    # The reasons given so far, for the queue's reason filter without a join.
    reasons = models.JSONField(_("motifs"), default=list, blank=True)
    created_at = models.DateTimeField(_("ouvert le"), default=timezone.now)
    updated_at = models.DateTimeField(_("dernier signalement"), default=timezone.now)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("file de modération")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                condition=Q(state__in=["open", "hidden_pending"]),
                name="reportgroup_one_open_per_item",
            )
        ]
        indexes = [models.Index(fields=["town", "state", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id} ({self.report_count})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Report(models.Model):
    """One member's report of one item; a member reports an item once."""

    group = models.ForeignKey(
        ReportGroup, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        Member,
        verbose_name=_("signalé par"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(max_length=16, choices=kind_choices)
    object_id = models.BigIntegerField()
    reason = models.CharField(_("motif"), max_length=16, choices=Reason.choices)
    text = models.TextField(_("précisions"), max_length=1000, blank=True)
    trusted = models.BooleanField(_("membre de confiance"), default=False)
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)

    class Meta:
        verbose_name = _("signalement d'un membre")
        verbose_name_plural = _("signalements des membres")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "kind", "object_id"], name="report_once_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id} → {self.kind} {self.object_id}"


class DecisionAction(models.TextChoices):
    DISMISS = "dismiss", _("Classé sans suite")
    HIDE = "hide", _("Masqué")
    AUTO_HIDE = "auto_hide", _("Masqué automatiquement (seuil atteint)")
    RESTORE = "restore", _("Rétabli")
    EDIT = "edit", _("Modifié par la modération")
    WARN = "warn", _("Avertissement")
    SUSPEND = "suspend", _("Suspension")
    BAN = "ban", _("Exclusion")
    APPEAL_GRANTED = "appeal_granted", _("Recours accepté")
    APPEAL_REJECTED = "appeal_rejected", _("Recours rejeté")


# Decisions the author is told about and may appeal once.
APPEALABLE = (
    DecisionAction.HIDE,
    DecisionAction.EDIT,
    DecisionAction.WARN,
    DecisionAction.SUSPEND,
    DecisionAction.BAN,
)


class Decision(models.Model):
    """The audit log: one row per moderation decision, never changed afterwards."""

    group = models.ForeignKey(
        ReportGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modérateur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(
        _("décision"), max_length=20, choices=DecisionAction.choices
    )
    kind = models.CharField(_("type"), max_length=16, choices=kind_choices)
    object_id = models.BigIntegerField(_("identifiant"))
    member = models.ForeignKey(
        Member,
        verbose_name=_("membre concerné"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("motif"), max_length=1000)
    detail = models.JSONField(_("détail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("décision de modération")
        verbose_name_plural = _("journal de modération")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.kind} {self.object_id}"

    @property
    def appealable(self) -> bool:
        return self.action in APPEALABLE


class SanctionKind(models.TextChoices):
    SUSPENSION = "suspension", _("Suspension")
    BAN = "ban", _("Exclusion")


class Sanction(models.Model):
    """A member's suspension (until a date) or ban (no end)."""

    member = models.ForeignKey(
        Member, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=16, choices=SanctionKind.choices)
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    starts_at = models.DateTimeField(_("depuis"), default=timezone.now)
    ends_at = models.DateTimeField(_("jusqu'au"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("levée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["member", "lifted_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.member_id}"


class AppealState(models.TextChoices):
    PENDING = "pending", _("En attente")
    GRANTED = "granted", _("Accepté")
    REJECTED = "rejected", _("Rejeté")


class Appeal(models.Model):
    """The author's one appeal against one decision."""

    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="appeal"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("recours"), max_length=2000)
    state = models.CharField(
        _("état"),
        max_length=16,
        choices=AppealState.choices,
        default=AppealState.PENDING,
    )
    answer = models.TextField(_("réponse"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("recours")
        verbose_name_plural = _("recours")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.decision_id}"


class OriginalContent(models.Model):
    """An item's text as it was before a moderator edited it."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="originals"
    )
    kind = models.CharField(max_length=16, choices=kind_choices)
    object_id = models.BigIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("texte d'origine")
        verbose_name_plural = _("textes d'origine")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class HiddenMessage(models.Model):
    """A chat message hidden by moderation (chat messages have no state column)."""

    message = models.OneToOneField(
        "feeds.ChatMessage", on_delete=models.CASCADE, related_name="+"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    hidden_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message masqué")
        verbose_name_plural = _("messages masqués")

    def __str__(self) -> str:
        return str(self.message_id)

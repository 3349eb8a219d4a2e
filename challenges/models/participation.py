"""Who takes part in a challenge, the actions they logged, and their badges."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Household, Member

from .pages import ChallengePage


def proof_photo_path(action: "LoggedAction", filename: str) -> str:
    # Never the uploaded name: it may carry a real name.
    return (
        f"challenges/proofs/{action.challenge_id}-{timezone.now():%Y%m%d%H%M%S%f}.jpg"
    )


class Participation(models.Model):
    """A household in a challenge; leaving keeps the row with `left_at` set."""

    challenge = models.ForeignKey(
        ChallengePage,
        verbose_name=_("défi"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="challenge_participations",
    )
    joined_by = models.ForeignKey(
        Member,
        verbose_name=_("inscrit par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    joined_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    left_at = models.DateTimeField(_("parti le"), null=True, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "household"], name="participation_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["challenge", "household"],
                condition=Q(left_at__isnull=True),
                name="participation_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id}:{self.household_id}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class ActionStatus(models.TextChoices):
    # Sent to the scoring core, which awarded `points_awarded`.
    COUNTED = "counted", _("comptée")
    # Stored while the core was unavailable; sent later with its key.
    PENDING = "pending", _("en attente")
    # The core refused it when it was sent later (`refusal` says why).
    REFUSED = "refused", _("non comptée")


class LoggedAction(models.Model):
    """One "J'ai agi" of a household in a challenge, as the scoring core answered.

    `status` pending: the core did not answer; the row keeps the form's key and
    `challenges.actions.do_send_pending_actions` sends it later, once.
    """

    challenge = models.ForeignKey(
        ChallengePage,
        verbose_name=_("défi"),
        on_delete=models.CASCADE,
        related_name="logged_actions",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="challenge_actions",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("déclarée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action_type = models.ForeignKey(
        "scoring.ActionType",
        verbose_name=_("action"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("faite le"))
    created_at = models.DateTimeField(_("déclarée le"), default=timezone.now)
    # The key the form carried; also the scoring core's key of the action, so a
    # confirmation names the action with it.
    idempotency_key = models.CharField(_("clé d'idempotence"), max_length=100)
    proof = models.CharField(_("preuve"), max_length=12, default="declared")
    photo = models.ImageField(_("photo"), upload_to=proof_photo_path, blank=True)
    points_awarded = models.IntegerField(_("points"), default=0)
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=ActionStatus.choices,
        default=ActionStatus.COUNTED,
    )
    refusal = models.CharField(_("motif du refus"), max_length=300, blank=True)
    confirmed_by = models.ForeignKey(
        Member,
        verbose_name=_("confirmée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("action déclarée")
        verbose_name_plural = _("actions déclarées")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "idempotency_key"],
                name="loggedaction_key_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["challenge", "household"], name="loggedaction_by_household"
            ),
            models.Index(
                fields=["challenge", "-created_at"], name="loggedaction_recent"
            ),
            # The queue of actions to send, oldest first.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(status="pending"),
                name="loggedaction_pending",
            ),
        ]

    def __str__(self) -> str:
        return str(self.action_type_id)

    @property
    def is_pending(self) -> bool:
        return self.status == ActionStatus.PENDING

    @property
    def is_refused(self) -> bool:
        return self.status == ActionStatus.REFUSED


class BadgeKind(models.TextChoices):
    FIRST_ACTION = "first_action", _("Première action")
    FIVE_ACTIONS = "five_actions", _("Cinq actions")
    GOAL_REACHED = "goal_reached", _("Objectif atteint")


class Badge(models.Model):
    """A milestone a household reached in a challenge; each once."""

    challenge = models.ForeignKey(
        ChallengePage,
        verbose_name=_("défi"),
        on_delete=models.CASCADE,
        related_name="badges",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="challenge_badges",
    )
    kind = models.CharField(_("badge"), max_length=20, choices=BadgeKind.choices)
    awarded_at = models.DateTimeField(_("obtenu le"), default=timezone.now)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["awarded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "household", "kind"], name="badge_once"
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

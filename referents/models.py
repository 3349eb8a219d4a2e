"""« Questions aux référents »: a member asks in a domain, members and the
domain's référents answer, answers are found helpful, the asker picks the
solution (the question is then solved, searchable and may become a tip)."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.domains import Domain
from community.models import Member, TownPage


class QuestionState(models.TextChoices):
    OPEN = "ouvertes", _("Ouvertes")
    SOLVED = "resolues", _("Résolues")


class Question(models.Model):
    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="referent_questions",
    )
    author = models.ForeignKey(
        Member,
        verbose_name=_("auteur"),
        on_delete=models.CASCADE,
        related_name="referent_questions",
    )
    domain = models.CharField(_("domaine"), max_length=20, choices=Domain.choices)
    title = models.CharField(_("question"), max_length=160)
    body = models.TextField(_("précisions"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("posée le"), default=timezone.now)
    # The answer the asker chose; set means solved.
    solution = models.OneToOneField(
        "referents.Answer",
        verbose_name=_("solution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="solution_of",
    )
    solved_at = models.DateTimeField(_("résolue le"), null=True, blank=True)
    # Kept by the actions (no recount in save()): the list shows it.
    answer_count = models.PositiveIntegerField(_("réponses"), default=0)
    hidden = models.BooleanField(_("masquée par la modération"), default=False)
    # The tip a moderator made of it (« En faire une astuce »).
    tip = models.ForeignKey(
        "tips.TipPage",
        verbose_name=_("astuce"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("question aux référents")
        verbose_name_plural = _("questions aux référents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["town", "hidden", "-created_at"], name="question_town_list"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("referents:question", args=[self.pk])

    @property
    def solved(self) -> bool:
        return self.solution_id is not None


class Answer(models.Model):
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    author = models.ForeignKey(
        Member,
        verbose_name=_("auteur"),
        on_delete=models.CASCADE,
        related_name="referent_answers",
    )
    body = models.TextField(_("réponse"), max_length=4000)
    created_at = models.DateTimeField(_("écrite le"), default=timezone.now)
    helpful_count = models.PositiveIntegerField(_("« m'a aidé »"), default=0)
    hidden = models.BooleanField(_("masquée par la modération"), default=False)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class HelpfulVote(models.Model):
    """« Cette réponse m'a aidé »: one per member and answer."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="helpful_votes"
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="helpful_votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "member"], name="helpful_vote_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.answer_id}"

"""Challenge pages: the index of a town's challenges, and one challenge."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from community.domains import Domain, domains_first
from community.index_pages import TownIndexPage
from community.models import Neighbourhood
from community.queries import member_of
from community.translated import english_panel

CHALLENGES_PER_PAGE = 12


class Scope(models.TextChoices):
    TOWN = "town", _("Toute la commune")
    NEIGHBOURHOOD = "neighbourhood", _("Un quartier")


class TeamKind(models.TextChoices):
    HOUSEHOLD = "household", _("Chaque foyer concourt seul")
    NEIGHBOURHOOD = "neighbourhood", _("Équipes de quartier")


class GoalKind(models.TextChoices):
    ACTIONS = "actions", _("Un nombre d'actions")
    REDUCTION = "reduction", _("Une baisse de consommation (%)")


class Metric(models.TextChoices):
    ELECTRICITY = "electricity_kwh", _("Électricité (kWh)")
    GAS = "gas_kwh", _("Gaz (kWh)")
    WATER = "water_l", _("Eau (litres)")


class ChallengeIndexPage(TownIndexPage):
    """The challenges of a town, current first; its slug is `defis`."""

    subpage_types = ["challenges.ChallengePage"]

    class Meta:
        verbose_name = _("index des défis")
        verbose_name_plural = _("index des défis")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from challenges import queries

        context = super().get_context(request, *args, **kwargs)
        # The household's domains first, unless « Tout voir » (community.domains).
        prefs = domains_first(member_of(request.user), request.GET)
        challenges = queries.live_challenges(self, prefs)
        context["challenges"] = Paginator(challenges, CHALLENGES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context["domains_first"] = prefs
        context["today"] = timezone.localdate()
        return context


class ChallengePage(RoutablePageMixin, Page):
    """A challenge: a domain, a period, a goal, and the catalogue actions that count."""

    summary = models.TextField(_("en bref"), max_length=500, blank=True)
    title_en = models.CharField(_("titre en anglais"), max_length=255, blank=True)
    summary_en = models.TextField(_("en bref, en anglais"), max_length=500, blank=True)
    domain = models.CharField(_("domaine"), max_length=20, choices=Domain.choices)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    scope = models.CharField(
        _("qui peut participer"),
        max_length=20,
        choices=Scope.choices,
        default=Scope.TOWN,
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges",
        help_text=_("Seulement pour un défi réservé à un quartier."),
    )
    team_kind = models.CharField(
        _("équipes"),
        max_length=20,
        choices=TeamKind.choices,
        default=TeamKind.HOUSEHOLD,
    )
    goal_kind = models.CharField(
        _("type d'objectif"),
        max_length=20,
        choices=GoalKind.choices,
        default=GoalKind.ACTIONS,
    )
    goal_value = models.PositiveIntegerField(
        _("objectif"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Nombre d'actions par foyer, ou baisse visée en %."),
    )
    goal_metric = models.CharField(
        _("consommation suivie"),
        max_length=20,
        choices=Metric.choices,
        blank=True,
        help_text=_("Pour un objectif de baisse seulement."),
    )
    action_types = ParentalManyToManyField(
        "scoring.ActionType",
        verbose_name=_("actions qui comptent"),
        blank=True,
        related_name="challenges",
    )
    rules = RichTextField(_("règlement"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        english_panel("title_en", "summary_en"),
        FieldPanel("image"),
        FieldRowPanel(
            [FieldPanel("domain"), FieldPanel("start_date"), FieldPanel("end_date")]
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("scope"), FieldPanel("neighbourhood")]),
                FieldPanel("team_kind"),
            ],
            heading=_("Participants et équipes"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("goal_kind"),
                        FieldPanel("goal_value"),
                        FieldPanel("goal_metric"),
                    ]
                ),
                FieldPanel("action_types"),
            ],
            heading=_("Objectif"),
        ),
        FieldPanel("rules"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("rules"),
        index.FilterField("domain"),
    ]
    parent_page_types = ["challenges.ChallengeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("défi")
        verbose_name_plural = _("défis")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("La fin doit suivre le début.")
        if self.scope == Scope.NEIGHBOURHOOD and self.neighbourhood_id is None:
            errors["neighbourhood"] = _("Choisissez le quartier du défi.")
        if self.scope == Scope.TOWN and self.neighbourhood_id is not None:
            errors["neighbourhood"] = _(
                "Un défi de toute la commune n'a pas de quartier."
            )
        if self.goal_kind == GoalKind.REDUCTION and not self.goal_metric:
            errors["goal_metric"] = _("Choisissez la consommation à réduire.")
        if errors:
            raise ValidationError(errors)

    # The period in Europe/Paris days: [start 00:00, day after end 00:00).
    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start_date, time.min))

    @property
    def ends_at(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.end_date + timedelta(days=1), time.min)
        )

    def is_running(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on <= self.end_date

    def has_ended(self, on: date | None = None) -> bool:
        return (on or timezone.localdate()) > self.end_date

    def get_context(self, request, *args, **kwargs):
        from challenges import queries

        context = super().get_context(request, *args, **kwargs)
        context.update(queries.challenge_state_for(request.user, self))
        return context

    @path("")
    def detail_view(self, request):
        return self.render(request)

    @path("participer/", name="join")
    def join_view(self, request):
        from challenges import views

        return views.join(request, self)

    @path("quitter/", name="leave")
    def leave_view(self, request):
        from challenges import views

        return views.leave(request, self)

    @path("j-ai-agi/", name="log_action")
    def log_action_view(self, request):
        from challenges import views

        return views.log_action(request, self)

    @path("fil/", name="feed")
    def feed_view(self, request):
        from challenges import views

        return views.challenge_feed(request, self)

    @path("classement/", name="leaderboard")
    def leaderboard_view(self, request):
        from challenges import views

        return views.leaderboard(request, self)

    @path("a-confirmer/", name="to_confirm")
    def to_confirm_view(self, request):
        from challenges import views

        return views.to_confirm(request, self)

    @path("a-confirmer/<int:action_id>/", name="confirm")
    def confirm_view(self, request, action_id: int):
        from challenges import views

        return views.confirm(request, self, action_id)

"""Tip pages, and what residents do with them: "J'ai fait ça" and "utile" votes."""

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page
from wagtail.search import index

from community.domains import Domain, DomainsFirst, domains_first
from community.index_pages import TownIndexPage
from community.models import Household, Member
from community.queries import member_of
from community.translated import english_panel

TIPS_PER_PAGE = 12


class Difficulty(models.TextChoices):
    EASY = "easy", _("Facile")
    MEDIUM = "medium", _("Moyenne")
    HARD = "hard", _("Difficile")


class TipSort(models.TextChoices):
    USEFUL = "utiles", _("Les plus utiles")
    DONE = "faites", _("Les plus faites")
    NEWEST = "recentes", _("Les plus récentes")


class TipIndexPage(RoutablePageMixin, TownIndexPage):
    """The tips of a town: lists by domain and sort, and the resident proposal form."""

    subpage_types = ["tips.TipPage"]

    class Meta:
        verbose_name = _("index des astuces")
        verbose_name_plural = _("index des astuces")

    def paginate(
        self, request: HttpRequest, prefs: DomainsFirst | None = None
    ) -> tuple[PaginatorPage, str, str]:
        from tips import queries

        domain = request.GET.get("domaine", "")
        if domain not in Domain.values:
            domain = ""
        sort = request.GET.get("tri", TipSort.USEFUL)
        if sort not in TipSort.values:
            sort = TipSort.USEFUL
        tips = queries.published_tips(self, domain=domain, sort=sort, prefs=prefs)
        page = Paginator(tips, TIPS_PER_PAGE).get_page(request.GET.get("page"))
        return page, domain, sort

    def get_context(self, request, *args, **kwargs):
        from tips import queries

        context = super().get_context(request, *args, **kwargs)
        # The household's domains first, unless « Tout voir » (docs/feeds.md).
        prefs = domains_first(member_of(request.user), request.GET)
        tips, domain, sort = self.paginate(request, prefs)
        context.update(
            tips=tips,
            domain=domain,
            sort=sort,
            domains_first=None if domain else prefs,
            domains=Domain.choices,
            sorts=TipSort.choices,
            done_here=queries.done_by_household(request.user, tips.object_list),
        )
        return context

    @path("")
    def list_view(self, request):
        return self.render(request)

    @path("proposer/", name="propose")
    def propose_view(self, request):
        from tips import views

        return views.propose(request, self)


class TipPage(RoutablePageMixin, Page):
    """A tip: what to do, what it saves, what it costs; by a moderator or a resident."""

    summary = models.TextField(
        _("en bref"),
        max_length=500,
        help_text=_("Une ou deux phrases, montrées dans les listes et la recherche."),
    )
    title_en = models.CharField(_("titre en anglais"), max_length=255, blank=True)
    summary_en = models.TextField(_("en bref, en anglais"), max_length=500, blank=True)
    domain = models.CharField(
        _("domaine"), max_length=20, choices=Domain.choices, db_index=True
    )
    difficulty = models.CharField(
        _("difficulté"),
        max_length=10,
        choices=Difficulty.choices,
        default=Difficulty.EASY,
    )
    savings_eur = models.PositiveIntegerField(
        _("économies estimées par an (€)"), null=True, blank=True
    )
    savings_kwh = models.PositiveIntegerField(
        _("énergie économisée par an (kWh)"), null=True, blank=True
    )
    savings_litres = models.PositiveIntegerField(
        _("eau économisée par an (litres)"), null=True, blank=True
    )
    start_cost_eur = models.PositiveIntegerField(
        _("coût pour se lancer (€)"), default=0
    )
    body = StreamField(
        [
            ("text", blocks.RichTextBlock(label=_("texte"))),
            ("image", ImageBlock(label=_("image"))),
            (
                "steps",
                blocks.ListBlock(
                    blocks.CharBlock(label=_("étape"), max_length=300),
                    label=_("étapes"),
                ),
            ),
        ],
        blank=True,
        verbose_name=_("contenu"),
    )
    author = models.ForeignKey(
        Member,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tips",
        help_text=_("Le modérateur, ou l'habitant qui a proposé l'astuce."),
    )
    action_code = models.CharField(
        _("action du catalogue"),
        max_length=64,
        blank=True,
        help_text=_(
            "Code de l'action enregistrée (et des points gagnés) quand un foyer "
            "clique « J'ai fait ça » ; vide : aucun point."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        english_panel("title_en", "summary_en"),
        FieldRowPanel([FieldPanel("domain"), FieldPanel("difficulty")]),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("savings_eur"),
                        FieldPanel("savings_kwh"),
                        FieldPanel("savings_litres"),
                    ]
                ),
                FieldPanel("start_cost_eur"),
            ],
            heading=_("Économies et coût"),
        ),
        FieldPanel("body"),
        FieldPanel("author"),
        FieldPanel("action_code"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.AutocompleteField("title"),
        index.FilterField("domain"),
    ]
    parent_page_types = ["tips.TipIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("astuce")
        verbose_name_plural = _("astuces")

    def get_context(self, request, *args, **kwargs):
        from feeds.forms import CommentForm
        from tips import queries

        context = super().get_context(request, *args, **kwargs)
        state = queries.tip_state_for(request.user, self)
        context.update(state)
        context.update(
            queries.tip_discussion_for(state["current_member"], state["can_act"], self)
        )
        if context["can_comment"]:
            parent = request.GET.get("repondre", "")
            context["comment_form"] = CommentForm(
                initial={"parent": int(parent)} if parent.isdigit() else None
            )
        return context

    @path("")
    def detail_view(self, request):
        return self.render(request)

    @path("fait/", name="done")
    def done_view(self, request):
        from tips import views

        return views.mark_done(request, self)

    @path("commenter/", name="comment")
    def comment_view(self, request):
        from tips import views

        return views.comment(request, self)

    @path("utile/", name="useful")
    def useful_view(self, request):
        from tips import views

        return views.vote_useful(request, self)

    def body_text(self) -> str:
        """The body's words, for search: text, image captions and steps."""
        from django.utils.html import strip_tags

        parts: list[str] = []
        for block in self.body:
            if block.block_type == "text":
                parts.append(strip_tags(block.value.source))
            elif block.block_type == "steps":
                parts.extend(str(step) for step in block.value)
            elif block.block_type == "image" and block.value is not None:
                parts.append(getattr(block.value, "contextual_alt_text", "") or "")
        return " ".join(part for part in parts if part)


class TipStats(models.Model):
    """Counters of a tip, outside its page so that publishing a revision keeps them."""

    tip = models.OneToOneField(
        TipPage, on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    done_count = models.PositiveIntegerField(_("foyers qui l'ont fait"), default=0)
    useful_count = models.PositiveIntegerField(_("votes « utile »"), default=0)

    class Meta:
        verbose_name = _("compteurs d'une astuce")
        verbose_name_plural = _("compteurs des astuces")

    def __str__(self) -> str:
        return f"{self.tip_id}: {self.done_count} / {self.useful_count}"


class TipDone(models.Model):
    """A household did a tip: one row per household and tip."""

    tip = models.ForeignKey(TipPage, on_delete=models.CASCADE, related_name="dones")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="tips_done"
    )
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    points_awarded = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("astuce faite")
        verbose_name_plural = _("astuces faites")
        constraints = [
            models.UniqueConstraint(
                fields=["tip", "household"], name="tipdone_once_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tip_id} / {self.household_id}"


class TipVote(models.Model):
    """A member found a tip useful: one vote per member and tip."""

    tip = models.ForeignKey(TipPage, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote « utile »")
        verbose_name_plural = _("votes « utile »")
        constraints = [
            models.UniqueConstraint(
                fields=["tip", "member"], name="tipvote_once_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tip_id} / {self.member_id}"

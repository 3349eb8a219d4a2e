from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from community.domains import DomainsField, all_domains, domain_labels
from community.translated import english_panel

GEOJSON_GEOMETRIES = {"Polygon", "MultiPolygon"}


class TownPage(Page):
    """The root page of a town's Wagtail Site; everything a resident sees hangs here."""

    intro = RichTextField(_("présentation"), blank=True)
    intro_en = RichTextField(
        _("présentation en anglais"),
        blank=True,
        help_text=_("Montrée aux visiteurs qui lisent le site en anglais."),
    )
    domains = DomainsField(
        _("domaines d'action du programme"),
        default=all_domains,
        help_text=_("Les domaines où les foyers de la commune peuvent agir."),
    )
    participation_target = models.PositiveIntegerField(
        _("objectif de foyers participants"), default=0
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        english_panel("intro_en"),
        FieldPanel("domains"),
        FieldPanel("participation_target"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types: list[str] = [
        "ambassadors.AmbassadorIndexPage",
        "tips.TipIndexPage",
        "challenges.ChallengeIndexPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def domain_labels(self) -> list[str]:
        return domain_labels(self.domains)

    def get_context(self, request, *args, **kwargs):
        # Imported here: households.py and participation.py import this module.
        from community.participation import with_signed_up
        from community.queries import member_of

        context = super().get_context(request, *args, **kwargs)
        member = member_of(request.user)
        if member is not None and member.town_id == self.pk:
            # A member's home: what happens near them today (community/home.py,
            # imported here as it reads the apps above this one).
            from community.home import member_home

            member.town = self  # the page itself: not read again
            context["home"] = member_home(member)
            return context
        # One query for every neighbourhood and its « foyers inscrits », counted
        # as the coverage pages count them (community.participation).
        context["neighbourhoods"] = with_signed_up(
            self.neighbourhoods.all(), name="participating"
        ).order_by("name")
        return context


def validate_outline(value) -> None:
    """Accept a GeoJSON Polygon or MultiPolygon, bare or inside a Feature."""
    if value in (None, ""):
        return
    geometry = value.get("geometry") if isinstance(value, dict) else None
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = geometry
    if (
        not isinstance(value, dict)
        or value.get("type") not in GEOJSON_GEOMETRIES
        or not isinstance(value.get("coordinates"), list)
    ):
        raise ValidationError(
            _("Le contour doit être un objet GeoJSON Polygon ou MultiPolygon.")
        )


class Neighbourhood(models.Model):
    """A neighbourhood of a town; households, feeds and challenges belong to one."""

    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="neighbourhoods",
    )
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120)
    household_count = models.PositiveIntegerField(
        _("foyers du quartier"),
        default=0,
        help_text=_("Nombre de foyers qui vivent dans le quartier (recensement)."),
    )
    population = models.PositiveIntegerField(_("habitants"), default=0)
    outline = models.JSONField(
        _("contour (GeoJSON)"),
        null=True,
        blank=True,
        validators=[validate_outline],
    )

    panels = [
        FieldPanel("town"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("household_count"),
        FieldPanel("population"),
        FieldPanel("outline"),
    ]

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "slug"], name="neighbourhood_unique_slug_per_town"
            ),
            models.UniqueConstraint(
                fields=["town", "name"], name="neighbourhood_unique_name_per_town"
            ),
        ]

    def __str__(self) -> str:
        return self.name

"""The public pages of the ambassadors: who they are, where and when to meet them.

An AmbassadorPage's `neighbourhoods` is the single source of truth for where an
ambassador may act (docs/ambassadors.md): moderators change coverage by editing
and publishing the page.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from community import roles
from community.models import Member, Neighbourhood, TownPage
from community.towns import town_for_request
from feeds.access import is_blocked_between
from feeds.models import Post
from feeds.queries.posts import follows_person, member_for, recent_posts_by

# How many of the ambassador's latest posts their page lists; the rest is on
# their profile in the feeds (/membres/<id>/).
RECENT_POSTS = 5


class Weekday(models.TextChoices):
    MONDAY = "1", _("Lundi")
    TUESDAY = "2", _("Mardi")
    WEDNESDAY = "3", _("Mercredi")
    THURSDAY = "4", _("Jeudi")
    FRIDAY = "5", _("Vendredi")
    SATURDAY = "6", _("Samedi")
    SUNDAY = "7", _("Dimanche")


class PermanenceValue(blocks.StructValue):
    def weekday_label(self) -> str:
        return str(dict(Weekday.choices).get(self.get("weekday"), ""))


class PermanenceBlock(blocks.StructBlock):
    """A regular time and place where residents can meet the ambassador."""

    weekday = blocks.ChoiceBlock(choices=Weekday.choices, label=_("Jour"))
    start = blocks.TimeBlock(label=_("De"))
    end = blocks.TimeBlock(label=_("À"))
    place = blocks.CharBlock(max_length=160, label=_("Lieu"))
    note = blocks.CharBlock(max_length=200, required=False, label=_("Précision"))

    class Meta:
        icon = "time"
        label = _("Permanence")
        template = "ambassadors/blocks/permanence.html"
        value_class = PermanenceValue


class AmbassadorIndexPage(Page):
    """The town's list of its ambassadors."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["community.TownPage"]
    subpage_types = ["ambassadors.AmbassadorPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("liste des ambassadeurs")
        verbose_name_plural = _("listes des ambassadeurs")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Two queries whatever the number of ambassadors: pages, then their
        # neighbourhoods; photos come with the pages.
        context["ambassadors"] = (
            AmbassadorPage.objects.child_of(self)
            .live()
            .select_related("photo")
            .prefetch_related("neighbourhoods")
            .order_by("title")
        )
        return context


class AmbassadorPage(Page):
    """One ambassador: name (the title), photo, bio, neighbourhoods, permanences."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte de l'ambassadeur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ambassador_pages",
        limit_choices_to={"groups__name": roles.AMBASSADOR},
        help_text=_("Le compte avec lequel l'ambassadeur se connecte au site."),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    bio = models.TextField(_("présentation courte"), max_length=600, blank=True)
    neighbourhoods = ParentalManyToManyField(
        Neighbourhood,
        verbose_name=_("quartiers couverts"),
        blank=True,
        related_name="ambassador_pages",
        help_text=_(
            "L'ambassadeur ne peut enregistrer de visites et de foyers que dans "
            "ces quartiers."
        ),
    )
    permanences = StreamField(
        [("permanence", PermanenceBlock())],
        verbose_name=_("permanences"),
        blank=True,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("user"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("neighbourhoods", widget=forms.CheckboxSelectMultiple),
        FieldPanel("permanences"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("bio")]
    parent_page_types = ["ambassadors.AmbassadorIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("ambassadeur")
        verbose_name_plural = _("ambassadeurs")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context.update(self.feed_context(request))
        return context

    def feed_context(self, request: HttpRequest) -> dict[str, Any]:
        """What the visitor sees of the ambassador in the feeds: the follow button
        and the latest posts, for signed-in members of the town only (the feeds
        are members-only: posts mention residents by name).

        A bounded number of queries whatever the number of posts: the visitor,
        the ambassador's member, a block between them, the follow, then the
        posts (recent_posts_by: four).
        """
        town = town_for_request(request)
        viewer = member_for(request.user, town)
        ambassador = self.ambassador_member(town) if viewer is not None else None
        if ambassador is not None and is_blocked_between(viewer.pk, ambassador.pk):
            # A block hides each from the other, as on their feeds profile.
            ambassador = None
        following = False
        posts: list[Post] = []
        if ambassador is not None:
            if ambassador.pk != viewer.pk:
                following = follows_person(viewer, ambassador)
            posts = recent_posts_by(viewer, ambassador, RECENT_POSTS)
        return {
            "viewer": viewer,
            "ambassador_member": ambassador,
            "following": following,
            "recent_posts": posts,
        }

    def ambassador_member(self, town: TownPage | None) -> Member | None:
        """The ambassador's member profile in this town: what residents follow and
        whose posts the page lists (docs/ambassadors.md)."""
        if self.user_id is None or town is None:
            return None
        return Member.objects.filter(user_id=self.user_id, town=town).first()

    def clean(self) -> None:
        """One page per ambassador and town, for an ambassador of that town
        (roles are per town: an ambassador of two towns has a page in each)."""
        super().clean()
        if self.user_id is not None:
            # A page not yet in the tree (the admin's form) is checked again
            # when it is saved under its parent.
            town = TownPage.objects.ancestor_of(self).first() if self.path else None
            others = AmbassadorPage.objects.filter(user_id=self.user_id)
            if town is not None:
                others = others.descendant_of(town)
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.exists():
                raise ValidationError(
                    {"user": _("Ce compte a déjà une page d'ambassadeur.")}
                )
            if town is not None and not roles.is_ambassador(self.user, town):
                raise ValidationError(
                    {
                        "user": _(
                            "Ce compte n'est pas ambassadeur de cette commune : "
                            "donnez-lui d'abord ce rôle (Paramètres › Rôles)."
                        )
                    }
                )

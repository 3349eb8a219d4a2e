"""The index page an app puts under each town (tips, challenges, events, the
local channel): one per town, an introduction in French and in English."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from community.translated import english_panel


class TownIndexPage(Page):
    """Abstract: a subclass names its `subpage_types` and its `Meta`'s names."""

    intro = RichTextField(_("présentation"), blank=True)
    title_en = models.CharField(_("titre en anglais"), max_length=255, blank=True)
    intro_en = RichTextField(_("présentation en anglais"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        english_panel("title_en", "intro_en"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["community.TownPage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True

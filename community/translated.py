"""English versions of the few page fields a visitor reads first.

French is the site's language and every page is written in French; a page may
also carry `<field>_en` (the town's intro, a tip's or a challenge's title and
summary). `localized(page, "intro")` gives the English one to a visitor reading
in English when it is filled in, else the French one. Plain fields rather than
Wagtail's page translations: those would give each page a copy per language
under a language prefix, and our URLs stay French without a prefix
(docs/decisions.md, « Session 6 — a lived-in demo »).
"""

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel


def english_panel(*fields: str) -> MultiFieldPanel:
    """The admin's folded « En anglais » group of a page's English fields."""
    return MultiFieldPanel(
        [FieldPanel(name) for name in fields],
        heading=_("En anglais"),
        classname="collapsed",
    )


def localized(obj: object, field: str) -> object:
    """`field` in the active language when the object has it filled in, else French."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language != settings.LANGUAGE_CODE:
        value = getattr(obj, f"{field}_{language}", None)
        if value:
            return value
    return getattr(obj, field, "")

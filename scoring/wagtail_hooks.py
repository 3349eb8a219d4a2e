"""The action catalogue and the towns' degree days in the Wagtail admin, as snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from scoring.models import ActionType, DegreeDay


class ActionTypeViewSet(SnippetViewSet):
    model = ActionType
    icon = "tasks"
    menu_label = _("Catalogue des actions")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["label", "code", "domain", "difficulty", "commitment", "active"]
    list_filter = ["domain", "difficulty", "commitment", "active"]
    search_fields = ["label", "code"]


register_snippet(ActionTypeViewSet)


class DegreeDayViewSet(SnippetViewSet):
    """Moderators read the series (view permission); `import_degree_days` loads it."""

    model = DegreeDay
    icon = "date"
    menu_label = _("Degrés-jours (DJU)")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["date", "value", "town"]
    list_filter = ["town"]
    list_per_page = 100
    ordering = ["-date"]


register_snippet(DegreeDayViewSet)

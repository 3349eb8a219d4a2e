"""The action catalogue and the towns' degree days in the Wagtail admin, as snippets."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community.admin_towns import TownScopedViewSet
from scoring.admin_views import DegreeDayImportView, may_import_degree_days
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


class DegreeDayViewSet(TownScopedViewSet, SnippetViewSet):
    """Moderators read the series (view permission); a file loads it.

    By `manage.py import_degree_days` or the admin's import form, for whoever
    holds the add permission (superusers unless a group is given it).
    """

    model = DegreeDay
    town_field = "town"
    icon = "date"
    menu_label = _("Degrés-jours (DJU)")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["date", "value", "town"]
    list_per_page = 100
    ordering = ["-date"]


register_snippet(DegreeDayViewSet)


@hooks.register("register_admin_urls")
def degree_day_urls():
    return [
        path(
            "dju/importer/",
            DegreeDayImportView.as_view(),
            name="scoring_import_degree_days",
        )
    ]


class DegreeDayImportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return may_import_degree_days(request.user)


@hooks.register("register_settings_menu_item")
def degree_day_import_menu_item():
    return DegreeDayImportMenuItem(
        _("Importer des degrés-jours (DJU)"),
        reverse("scoring_import_degree_days"),
        icon_name="date",
        order=900,
    )

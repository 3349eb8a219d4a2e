"""The ambassadors in the Wagtail admin: read-only logs, coverage report, panel."""

from django.contrib.auth import get_user_model
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ambassadors import coverage
from ambassadors.admin_views import CoverageReportView, can_see_coverage
from ambassadors.models import (
    AmbassadorIndexPage,
    AssistedAction,
    AuditEntry,
    Onboarding,
    Visit,
)
from community.admin_towns import TownScopedViewSet, dashboard_town
from community.models import Neighbourhood
from community.roles import scope_to_towns


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Only "view": the logs are written by actions, never edited in the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and self.user_has_permission(user, "view")

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(["view"])


for model in (AuditEntry, Visit, AssistedAction, Onboarding):
    register_permission_policy(model, ReadOnlyPolicy(model))


class AuditEntryViewSet(TownScopedViewSet, SnippetViewSet):
    """The log of one town's households (an erased household's entries, which
    keep only its public id, are the superusers' to read)."""

    model = AuditEntry
    town_field = "household__neighbourhood__town"
    icon = "list-ul"
    menu_label = _("Journal")
    list_display = ["created_at", "kind", "actor", "household_public_id"]
    list_filter = ["kind"]
    search_fields = ["household_public_id"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "created_at",
        "kind",
        "actor",
        "household_public_id",
        "visit",
        "detail",
    ]


class VisitViewSet(TownScopedViewSet, SnippetViewSet):
    model = Visit
    town_field = "neighbourhood__town"
    icon = "home"
    menu_label = _("Visites")
    list_display = ["__str__", "neighbourhood", "ambassador", "visited_on", "outcome"]
    list_filter = ["outcome", "neighbourhood"]
    inspect_view_enabled = True


class AssistedActionViewSet(TownScopedViewSet, SnippetViewSet):
    model = AssistedAction
    town_field = "household__neighbourhood__town"
    icon = "tick"
    menu_label = _("Actions saisies")
    list_display = [
        "action_type",
        "household",
        "ambassador",
        "occurred_at",
        "contested_at",
    ]
    inspect_view_enabled = True


class OnboardingViewSet(TownScopedViewSet, SnippetViewSet):
    model = Onboarding
    town_field = "household__neighbourhood__town"
    icon = "group"
    menu_label = _("Foyers accompagnés")
    list_display = ["household", "ambassador", "created_at"]
    inspect_view_enabled = True


class AmbassadorsGroup(SnippetViewSetGroup):
    menu_label = _("Ambassadeurs")
    menu_icon = "user"
    menu_order = 210
    items = (AuditEntryViewSet, VisitViewSet, AssistedActionViewSet, OnboardingViewSet)


register_snippet(AmbassadorsGroup)


@hooks.register("register_admin_urls")
def coverage_urls():
    return [
        path(
            "ambassadeurs/couverture/",
            CoverageReportView.as_view(),
            name="ambassadors_coverage",
        )
    ]


class CoverageMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_see_coverage(request.user)


@hooks.register("register_reports_menu_item")
def coverage_menu_item():
    return CoverageMenuItem(
        _("Couverture des ambassadeurs"),
        reverse("ambassadors_coverage"),
        icon_name="group",
        order=700,
    )


class CoveragePanel(Component):
    name = "ambassadors_coverage"
    order = 150
    template_name = "ambassadors/admin/coverage_panel.html"

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        neighbourhoods = scope_to_towns(Neighbourhood.objects.all(), request.user)
        # The admin home's « Commune » choice, if any (community.admin_towns).
        town = dashboard_town(request)
        if town is not None:
            neighbourhoods = neighbourhoods.filter(town=town)
        rows = coverage.by_neighbourhood(neighbourhoods)
        totals = {
            key: sum(getattr(row, key) for row in rows) for key in ("visited", "active")
        }
        return {
            "rows": rows,
            "total": coverage.total(rows),
            "totals": totals,
            "url": reverse("ambassadors_coverage")
            + (f"?town={town.pk}" if town is not None else ""),
            "town": town,
        }


@hooks.register("construct_homepage_panels")
def add_coverage_panel(request, panels) -> None:
    if can_see_coverage(request.user):
        panels.append(CoveragePanel())


@hooks.register("smartcitizen_town_tree")
def add_ambassador_index(town) -> None:
    """A new town's « Ambassadeurs » page (community.new_town)."""
    town.add_child(
        instance=AmbassadorIndexPage(
            title="Ambassadeurs",
            slug="ambassadeurs",
            intro="Les jeunes en service civique qui accompagnent les foyers.",
        )
    )

"""The community's rows in the Wagtail admin, each list in the user's towns,
and the page that grants a town's roles."""

from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from community.admin_apikeys import ApiKeyViewSet
from community.admin_consent import ConsentTextViewSet
from community.admin_new_town import NewTownView
from community.admin_towns import (
    TownScopedViewSet,
    dashboard_town,
    pages_in_towns,
    town_choices,
)
from community.admin_views import (
    RolesView,
    can_manage_roles,
    grant_role,
    revoke_role,
)
from community.models import Household, Invitation, Member, Neighbourhood
from community.roles import STAFF


class NeighbourhoodViewSet(TownScopedViewSet, SnippetViewSet):
    model = Neighbourhood
    town_field = "town"
    icon = "site"
    menu_label = _("Quartiers")
    list_display = ["name", "town", "household_count", "population"]
    search_fields = ["name"]

    def base_queryset(self, request):
        return Neighbourhood.objects.select_related("town")


class HouseholdViewSet(TownScopedViewSet, SnippetViewSet):
    model = Household
    town_field = "neighbourhood__town"
    icon = "home"
    menu_label = _("Foyers")
    list_display = ["public_id", "neighbourhood", "status", "joined_at"]
    list_filter = ["status", "neighbourhood"]
    search_fields = ["public_id"]
    panels = [FieldPanel("neighbourhood"), FieldPanel("domains"), FieldPanel("status")]

    def base_queryset(self, request):
        return Household.objects.select_related("neighbourhood")


class MemberViewSet(TownScopedViewSet, SnippetViewSet):
    model = Member
    town_field = "town"
    icon = "user"
    menu_label = _("Membres")
    list_display = ["display_name", "household", "town", "created_at"]
    list_filter = ["preferred_language"]
    search_fields = ["display_name"]
    panels = [
        FieldPanel("display_name"),
        FieldPanel("household"),
        FieldPanel("preferred_language"),
    ]

    def base_queryset(self, request):
        return Member.objects.select_related("household", "town")


class InvitationViewSet(TownScopedViewSet, SnippetViewSet):
    model = Invitation
    town_field = "household__neighbourhood__town"
    icon = "mail"
    menu_label = _("Invitations")
    list_display = ["code", "household", "expires_at", "used_at"]
    search_fields = ["code"]
    panels = [FieldPanel("household"), FieldPanel("expires_at")]

    def base_queryset(self, request):
        return Invitation.objects.select_related("household")


class CommunityGroup(SnippetViewSetGroup):
    menu_label = _("Communauté")
    menu_icon = "group"
    menu_order = 200
    items = (NeighbourhoodViewSet, HouseholdViewSet, MemberViewSet, InvitationViewSet)


register_snippet(CommunityGroup)
register_snippet(ApiKeyViewSet)
register_snippet(ConsentTextViewSet)


@hooks.register("register_admin_urls")
def roles_urls():
    return [
        path("roles/", RolesView.as_view(), name="community_roles"),
        path("roles/<int:town_id>/donner/", grant_role, name="community_roles_grant"),
        path(
            "roles/<int:town_id>/retirer/", revoke_role, name="community_roles_revoke"
        ),
    ]


class RolesMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_manage_roles(request.user)


@hooks.register("register_settings_menu_item")
def roles_menu_item():
    return RolesMenuItem(
        _("Rôles"), reverse("community_roles"), icon_name="key", order=350
    )


@hooks.register("construct_page_chooser_queryset")
def pages_of_the_users_towns(pages, request):
    """The page chooser offers the pages of the towns where the user works."""
    return pages_in_towns(pages, request.user, STAFF)


@hooks.register("before_move_page")
def move_only_the_users_towns_pages(request, page, destination):
    """Wagtail's move confirmation shows the page before any check: another
    town's page answers as a missing one."""
    if not pages_in_towns(
        Page.objects.filter(pk=page.pk), request.user, STAFF
    ).exists():
        raise Http404


# Reports whose routes are superusers only (config/urls.py): they list rows of
# every town and Wagtail gives no hook to scope them.
SUPERUSERS_REPORTS = ("page-types-usage", "site-history")


@hooks.register("construct_reports_menu")
def town_wide_reports_for_superusers(request, menu_items):
    """No link to a superusers-only report for anyone else."""
    if not request.user.is_superuser:
        menu_items[:] = [
            item for item in menu_items if item.name not in SUPERUSERS_REPORTS
        ]


@hooks.register("register_admin_urls")
def new_town_urls():
    return [path("communes/nouvelle/", NewTownView.as_view(), name="new_town")]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def new_town_menu_item():
    return SuperuserMenuItem(
        _("Nouvelle commune"), reverse("new_town"), icon_name="site", order=150
    )


class DashboardTownPanel(Component):
    """The admin home's « Commune » choice, first, for whoever sees several
    towns (a superuser, or a moderator of several): the panels below show the
    chosen town only (`dashboard_town`). A plain GET form: no JavaScript."""

    name = "dashboard_town"
    order = 1
    template_name = "community/admin/dashboard_town.html"

    def __init__(self, towns: list) -> None:
        self.towns = towns

    def get_context_data(self, parent_context):
        chosen = dashboard_town(parent_context["request"])
        return {"towns": self.towns, "chosen": chosen.pk if chosen else None}


@hooks.register("construct_homepage_panels")
def add_dashboard_town_panel(request, panels) -> None:
    towns = list(town_choices(request))
    if len(towns) > 1:
        panels.append(DashboardTownPanel(towns))


@hooks.register("before_serve_document")
def serve_a_town_s_documents_on_its_own_host(document, request):
    """A document of a town's collection (or of a collection under it) is
    served on that town's host only: elsewhere it is a 404, as another town's
    pages are (`community.actions.do_setup_town_roles` makes one collection
    per town, named as the town). Documents of the root collection, or of a
    collection that is no town's, are the deployment's and served anywhere."""
    from community.models import TownPage
    from community.towns import town_for_request

    collection = document.collection
    if collection.depth < 2:
        return None
    top = (
        collection
        if collection.depth == 2
        else collection.get_ancestors().filter(depth=2).first()
    )
    if top is None:
        return None
    here = town_for_request(request)
    if here is not None and top.name.casefold() == here.title.casefold():
        return None
    if TownPage.objects.filter(title__iexact=top.name).exists():
        raise Http404
    return None

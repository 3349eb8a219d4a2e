from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from community.admin_views import NewTownView
from community.models import Household, Invitation, Member, Neighbourhood


class NeighbourhoodViewSet(SnippetViewSet):
    model = Neighbourhood
    icon = "site"
    menu_label = _("Quartiers")
    list_display = ["name", "town", "household_count", "population"]
    list_filter = ["town"]
    search_fields = ["name"]


class HouseholdViewSet(SnippetViewSet):
    model = Household
    icon = "home"
    menu_label = _("Foyers")
    list_display = ["public_id", "neighbourhood", "status", "joined_at"]
    list_filter = ["status", "neighbourhood"]
    search_fields = ["public_id"]
    panels = [FieldPanel("neighbourhood"), FieldPanel("domains"), FieldPanel("status")]


class MemberViewSet(SnippetViewSet):
    model = Member
    icon = "user"
    menu_label = _("Membres")
    list_display = ["display_name", "household", "town", "created_at"]
    list_filter = ["town", "preferred_language"]
    search_fields = ["display_name"]
    panels = [
        FieldPanel("display_name"),
        FieldPanel("household"),
        FieldPanel("preferred_language"),
    ]


class InvitationViewSet(SnippetViewSet):
    model = Invitation
    icon = "mail"
    menu_label = _("Invitations")
    list_display = ["code", "household", "expires_at", "used_at"]
    search_fields = ["code"]
    panels = [FieldPanel("household"), FieldPanel("expires_at")]


class CommunityGroup(SnippetViewSetGroup):
    menu_label = _("Communauté")
    menu_icon = "group"
    menu_order = 200
    items = (NeighbourhoodViewSet, HouseholdViewSet, MemberViewSet, InvitationViewSet)


register_snippet(CommunityGroup)


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

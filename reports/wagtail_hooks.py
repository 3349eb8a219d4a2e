"""Reports in the Wagtail admin: each town's categories (its administrators'),
and the staff's queue of reports (« Signalements ») with one report's page."""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community import roles
from community.admin_towns import TownScopedViewSet
from community.models import Role
from reports.admin_views import (
    QueueView,
    ReportAdminView,
    ReportCategoryForm,
    works_reports_somewhere,
)
from reports.models import ReportCategory

# A town's categories are its organisation (which service handles what, the
# codes Open311 clients use): its administrators set them, not its moderators.
CATEGORY_ROLES = (Role.TOWN_ADMIN,)


class TownAdminsPolicy(ModelPermissionPolicy):
    """Town administrators (and superusers) add, edit and view categories; no
    one deletes one from the admin: it stays on the reports filed under it
    (they protect it), and is withdrawn by unticking « proposée »."""

    def user_has_permission(self, user, action):
        if action not in ("add", "change", "view") or not user.is_active:
            return False
        return roles.holds_anywhere(user, *CATEGORY_ROLES)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if not {"add", "change", "view"}.intersection(actions):
            return users.none()
        return users.filter(is_superuser=True) | users.filter(
            groups__name=roles.TOWN_ADMIN
        )


register_permission_policy(ReportCategory, TownAdminsPolicy(ReportCategory))


class ReportCategoryViewSet(TownScopedViewSet, SnippetViewSet):
    model = ReportCategory
    town_field = "town"
    town_roles = CATEGORY_ROLES
    icon = "tag"
    menu_label = _("Catégories de signalement")
    menu_order = 204
    add_to_admin_menu = True
    url_prefix = "signalements/categories"
    url_namespace = "reports_category"
    list_display = ["name", "service_code", "service_name", "town", "active"]
    list_filter = ["active"]
    search_fields = ["name", "service_code", "service_name"]
    ordering = ["town__title", "sort_order", "name"]
    # The town as a plain select of the user's towns (it works without
    # JavaScript); the form says when a service code is already taken there.
    edit_handler = ObjectList(
        [
            FieldPanel("town", widget=forms.Select),
            FieldPanel("name"),
            FieldPanel("service_code"),
            FieldPanel("service_name"),
            FieldPanel("description"),
            FieldPanel("active"),
            FieldPanel("sort_order"),
        ],
        base_form_class=ReportCategoryForm,
    )

    def base_queryset(self, request):
        return ReportCategory.objects.select_related("town")


register_snippet(ReportCategoryViewSet)


@hooks.register("register_admin_urls")
def reports_queue_urls():
    return [
        path("signalements/", QueueView.as_view(), name="reports_queue"),
        path(
            "signalements/<int:report_id>/",
            ReportAdminView.as_view(),
            name="reports_queue_report",
        ),
    ]


class QueueMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return works_reports_somewhere(request.user)


@hooks.register("register_admin_menu_item")
def reports_queue_menu_item():
    return QueueMenuItem(
        _("Signalements"), reverse("reports_queue"), icon_name="crosshairs", order=203
    )

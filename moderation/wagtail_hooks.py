"""The moderation queue, the audit log and appeals in the Wagtail admin, and the
moderators' dashboard panel. Only moderators (of some town, or superusers) see
any of it, and only their towns' rows; rows are written by moderation.actions,
never edited here."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from community import roles
from community.admin_towns import (
    TownFilterSetMixin,
    TownScopedViewSet,
    dashboard_town,
    town_filter,
)
from community.models import Neighbourhood
from moderation import dashboard, queries
from moderation.admin_views import CaseView, answer_appeal, decide
from moderation.models import (
    Appeal,
    AppealState,
    CaseState,
    Decision,
    Reason,
    Report,
    ReportGroup,
)


def is_moderator_somewhere(user) -> bool:
    """A moderator or administrator of at least one town (or a superuser)."""
    return roles.holds_anywhere(user, roles.Role.MODERATOR, roles.Role.TOWN_ADMIN)


class ModeratorsOnlyPolicy(ModelPermissionPolicy):
    """Moderators may view; nobody adds, edits or deletes from the admin."""

    def user_has_permission(self, user, action):
        if action != "view" or not user.is_active:
            return False
        # Asked once per row of the list: remembered on the request's user.
        cached = getattr(user, "_moderation_is_moderator", None)
        if cached is None:
            cached = is_moderator_somewhere(user)
            user._moderation_is_moderator = cached
        return cached

    def user_has_any_permission(self, user, actions):
        return "view" in actions and self.user_has_permission(user, "view")

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        return users.filter(is_superuser=True) | users.filter(
            groups__name=roles.MODERATOR
        )


for model in (ReportGroup, Decision, Appeal):
    register_permission_policy(model, ModeratorsOnlyPolicy(model))


class QueueFilterSet(TownFilterSetMixin, WagtailFilterSet):
    town = town_filter("town")
    state = django_filters.ChoiceFilter(
        label=_("État"), choices=CaseState.choices, empty_label=_("Tous")
    )
    reason = django_filters.ChoiceFilter(
        label=_("Motif"),
        choices=Reason.choices,
        method="filter_reason",
        empty_label=_("Tous"),
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("Quartier"),
        queryset=Neighbourhood.objects.order_by("name"),
        empty_label=_("Tous"),
    )

    class Meta:
        model = ReportGroup
        fields = ["state", "kind", "neighbourhood"]

    def filter_reason(self, queryset, name, value):
        # Through the reports, not the JSON list: a JSON `contains` lookup is
        # PostgreSQL's only (`make run` serves SQLite). Exists: no duplicates.
        return queryset.filter(
            Exists(Report.objects.filter(group=OuterRef("pk"), reason=value))
        )


class ReportGroupViewSet(TownScopedViewSet, SnippetViewSet):
    model = ReportGroup
    town_field = "town"
    icon = "warning"
    menu_label = _("File de modération")
    url_prefix = "moderation/file"
    url_namespace = "moderation_reportgroup"
    list_display = [
        "__str__",
        "excerpt",
        "author",
        "neighbourhood",
        "state",
        "report_count",
        "updated_at",
    ]
    filterset_class = QueueFilterSet
    inspect_view_enabled = True
    inspect_view_class = CaseView
    # Wagtail's list, with a named search landmark (axe: landmark-unique) and
    # no role="alert" on a heading (axe: aria-allowed-role).
    index_template_name = "moderation/admin/queue.html"
    index_results_template_name = "moderation/admin/queue_results.html"
    list_per_page = 30

    def get_queryset(self, request):
        return queries.queue(request.user)


class DecisionViewSet(TownScopedViewSet, SnippetViewSet):
    model = Decision
    town_field = "member__town"
    icon = "list-ul"
    menu_label = _("Journal de modération")
    url_prefix = "moderation/journal"
    url_namespace = "moderation_decision"
    list_display = ["created_at", "action", "kind", "object_id", "member", "moderator"]
    list_filter = ["action", "kind"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return queries.decisions(request.user)


class AppealInspectView(InspectView):
    template_name = "moderation/admin/appeal.html"


class AppealViewSet(TownScopedViewSet, SnippetViewSet):
    model = Appeal
    town_field = "member__town"
    icon = "help"
    menu_label = _("Recours")
    url_prefix = "moderation/recours"
    url_namespace = "moderation_appeal"
    list_display = ["__str__", "member", "state", "created_at"]
    list_filter = ["state"]
    inspect_view_enabled = True
    inspect_view_class = AppealInspectView

    def get_queryset(self, request):
        return queries.appeals(request.user)


class ModerationGroup(SnippetViewSetGroup):
    menu_label = _("Modération")
    menu_icon = "warning"
    menu_order = 205
    items = (ReportGroupViewSet, AppealViewSet, DecisionViewSet)


register_snippet(ModerationGroup)


@hooks.register("register_admin_urls")
def moderation_action_urls():
    return [
        path(
            "moderation/file/<int:group_id>/decider/",
            decide,
            name="moderation_decide",
        ),
        path(
            "moderation/recours/<int:appeal_id>/repondre/",
            answer_appeal,
            name="moderation_answer_appeal",
        ),
    ]


class ModerationPanel(Component):
    name = "moderation_overview"
    order = 50
    template_name = "moderation/admin/dashboard_panel.html"

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        town = dashboard_town(request)
        # The lists' own « Commune » filter keeps the chosen town.
        town_query = f"&town={town.pk}" if town is not None else ""
        return {
            "figures": dashboard.figures(request.user, town),
            "queue_url": reverse("moderation_reportgroup:list")
            + f"?state={CaseState.OPEN}{town_query}",
            "appeals_url": reverse("moderation_appeal:list")
            + f"?state={AppealState.PENDING}{town_query}",
        }


@hooks.register("construct_homepage_panels")
def add_moderation_panel(request, panels) -> None:
    if is_moderator_somewhere(request.user):
        panels.append(ModerationPanel())

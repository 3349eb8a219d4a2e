"""The référents in the Wagtail admin: the town's moderators (and town
administrators) grant and withdraw the role, in their towns only; and the
questions left without an answer for 72 h, listed for them."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community import roles
from community.admin_towns import (
    MODERATION_ROLES,
    TownRolePermissionPolicy,
    TownScopedViewSet,
)
from community.models import Referent
from referents.queries import unanswered_questions


class ReferentPermissionPolicy(TownRolePermissionPolicy):
    """The moderators and town administrators, in their towns (superusers too)."""


register_permission_policy(
    Referent, ReferentPermissionPolicy(Referent), exact_class=True
)


class ReferentViewSet(TownScopedViewSet, SnippetViewSet):
    model = Referent
    town_field = "town"
    icon = "user"
    menu_label = gettext_lazy("Référents")
    url_prefix = "referents"
    url_namespace = "referents_referent"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "member", "kind", "town", "active", "granted_at"]
    list_filter = ["kind", "active"]
    search_fields = ["title"]
    copy_view_enabled = False
    panels = [
        FieldPanel("town"),
        FieldPanel("member"),
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("domains"),
        FieldPanel("active"),
    ]

    def base_queryset(self, request):
        return Referent.objects.select_related("member", "town")

    def get_edit_handler(self):
        edit_handler = super().get_edit_handler()
        scoped = edit_handler.base_form_class

        class ReferentForm(scoped):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if "member" in self.fields:
                    # A plain select of the user's towns' members (scoped by
                    # TownScopedForm): works without JavaScript.
                    self.fields["member"].widget = forms.Select(
                        choices=self.fields["member"].widget.choices
                    )

            def clean(self):
                data = super().clean()
                town, member = data.get("town"), data.get("member")
                if (
                    town is not None
                    and member is not None
                    and member.town_id != town.pk
                ):
                    self.add_error(
                        "member", _("Choisissez un membre de cette commune.")
                    )
                return data

        edit_handler.base_form_class = ReferentForm
        return edit_handler


register_snippet(ReferentViewSet)


class UnansweredView(WagtailAdminTemplateMixin, TemplateView):
    """Questions with no answer after 72 h, in the user's towns."""

    template_name = "referents/admin/unanswered.html"
    page_title = gettext_lazy("Questions sans réponse")
    header_icon = "help"

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if not roles.holds_anywhere(request.user, *MODERATION_ROLES):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            questions=unanswered_questions(self.request.user)[:200], **kwargs
        )


@hooks.register("register_admin_urls")
def unanswered_urls():
    return [
        path(
            "questions/sans-reponse/",
            UnansweredView.as_view(),
            name="referents_unanswered",
        )
    ]


class UnansweredMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return roles.holds_anywhere(request.user, *MODERATION_ROLES)


@hooks.register("register_admin_menu_item")
def unanswered_menu_item():
    return UnansweredMenuItem(
        gettext_lazy("Questions sans réponse"),
        reverse("referents_unanswered"),
        icon_name="help",
        order=220,
    )

"""Consent texts in the Wagtail admin: a town's administrators (and
superusers) publish a new version of their town's texts; superusers also the
template that new towns copy. A published text never changes and is never
deleted (households' records name it): no edit, no delete, a page to read it."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.log_actions import log
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from community.admin_towns import TownRolePermissionPolicy, TownScopedViewSet
from community.models import ConsentText, Role
from community.privacy import check_publish_consent_text

CONSENT_ROLES = (Role.TOWN_ADMIN,)


class ConsentTextPermissionPolicy(TownRolePermissionPolicy):
    """Town administrators and superusers, in their towns; publish and read."""

    town_roles = CONSENT_ROLES
    actions = frozenset({"add", "view"})


register_permission_policy(
    ConsentText, ConsentTextPermissionPolicy(ConsentText), exact_class=True
)


class ConsentTextCreateView(CreateView):
    """Publishes through `check_publish_consent_text` (the next version)."""

    def save_instance(self):
        data = self.form.cleaned_data
        text = check_publish_consent_text(data.get("town"), data["kind"], data["text"])
        log(instance=text, action="wagtail.create", user=self.request.user)
        return text


class ConsentTextViewSet(TownScopedViewSet, SnippetViewSet):
    model = ConsentText
    town_field = "town"
    town_roles = CONSENT_ROLES
    icon = "doc-full"
    menu_label = gettext_lazy("Textes de consentement")
    url_prefix = "consentements"
    url_namespace = "community_consenttext"
    add_to_settings_menu = True
    add_view_class = ConsentTextCreateView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["__str__", "town", "published_at"]
    list_filter = ["kind"]
    panels = [FieldPanel("town"), FieldPanel("kind"), FieldPanel("text")]

    def base_queryset(self, request):
        return ConsentText.objects.select_related("town")

    def get_edit_handler(self):
        edit_handler = super().get_edit_handler()
        scoped = edit_handler.base_form_class

        class ConsentTextForm(scoped):
            def clean(self):
                data = super().clean()
                user = self.for_user
                if data.get("town") is None and not (user and user.is_superuser):
                    # Only superusers write the template new towns copy.
                    self.add_error("town", _("Choisissez la commune."))
                return data

        edit_handler.base_form_class = ConsentTextForm
        return edit_handler

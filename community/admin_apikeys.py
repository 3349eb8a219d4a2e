"""API keys in the Wagtail admin: a town's administrators (and superusers)
create keys for their towns (the key shown once, on the page that follows
the form), rename and revoke them; nobody deletes one (reports keep
pointing at the key that filed them)."""

from django.contrib.admin.utils import quote
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import CreateView, IndexView, SnippetViewSet

from community.admin_towns import TownRolePermissionPolicy, TownScopedViewSet
from community.apikeys import do_create_api_key, do_revoke_api_key
from community.models import ApiKey, Role

KEY_ROLES = (Role.TOWN_ADMIN,)
ACTIONS = frozenset({"add", "change", "view"})


class ApiKeyPermissionPolicy(TownRolePermissionPolicy):
    """Town administrators and superusers, in their towns; no deletion."""

    town_roles = KEY_ROLES
    actions = ACTIONS


register_permission_policy(ApiKey, ApiKeyPermissionPolicy(ApiKey), exact_class=True)


class ApiKeyCreateView(CreateView):
    """Creates through `do_create_api_key`; answers the key itself, once."""

    def save_instance(self):
        data = self.form.cleaned_data
        key, self.raw_key = do_create_api_key(
            data["town"], data["purpose"], data["name"]
        )
        log(instance=key, action="wagtail.create", user=self.request.user)
        return key

    def save_action(self):
        context = self.get_context_data(form=self.form)
        context.update(
            key=self.object,
            raw_key=self.raw_key,
            page_title=_("Clé créée"),
            index_url=reverse(self.index_url_name),
        )
        response = TemplateResponse(
            self.request, "community/admin/api_key_created.html", context
        )
        # The key is on this page only: never kept by a cache or the browser.
        response["Cache-Control"] = "no-store"
        return response


class ApiKeyIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.active:
            buttons.append(
                MenuItem(
                    _("Révoquer"),
                    url=reverse("community_apikey:revoke", args=[quote(instance.pk)]),
                    icon_name="lock",
                    priority=40,
                )
            )
        return buttons


class RevokeView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm (GET), then revoke (POST) one key of the user's towns."""

    template_name = "community/admin/api_key_revoke.html"
    page_title = gettext_lazy("Révoquer une clé d'API")
    header_icon = "lock"
    viewset = None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.key = self.viewset.get_queryset(request).filter(pk=kwargs["pk"]).first()
        if self.key is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(key=self.key, **kwargs)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if self.key.active:
            do_revoke_api_key(self.key)
            log(instance=self.key, action="wagtail.edit", user=request.user)
        messages.success(
            request, _("Clé « %(name)s » révoquée.") % {"name": self.key.name}
        )
        return redirect(self.viewset.get_url_name("list"))


class ApiKeyViewSet(TownScopedViewSet, SnippetViewSet):
    model = ApiKey
    town_field = "town"
    town_roles = KEY_ROLES
    icon = "key"
    menu_label = gettext_lazy("Clés d'API")
    url_prefix = "cles-api"
    url_namespace = "community_apikey"
    add_to_settings_menu = True
    index_view_class = ApiKeyIndexView
    add_view_class = ApiKeyCreateView
    list_display = ["name", "town", "purpose", "prefix", "last_used_at", "revoked_at"]
    list_filter = ["purpose"]
    search_fields = ["name", "prefix"]
    panels = [FieldPanel("town"), FieldPanel("purpose"), FieldPanel("name")]
    copy_view_enabled = False

    def base_queryset(self, request):
        return ApiKey.objects.select_related("town")

    def get_edit_handler(self):
        edit_handler = super().get_edit_handler()
        scoped = edit_handler.base_form_class

        class ApiKeyForm(scoped):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.instance.pk:
                    # A key stays in its town and opens the same door: only
                    # its name changes.
                    for name in ("town", "purpose"):
                        if name in self.fields:
                            self.fields[name].disabled = True

        edit_handler.base_form_class = ApiKeyForm
        return edit_handler

    def get_urlpatterns(self):
        revoke = RevokeView.as_view(viewset=self)
        return [
            *super().get_urlpatterns(),
            path("revoke/<int:pk>/", revoke, name="revoke"),
        ]

"""Grid alerts in the Wagtail admin: each town's settings and a manual start.

Moderators (and town administrators) of a town only: another town's pages
answer 404, as for a missing town.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from challenges.actions import FlashSpec
from community import roles
from community.models import Role
from gridalerts import actions, queries
from gridalerts.forms import SettingsForm, StartFlashForm


def may_run_grid_alerts(user) -> bool:
    """A moderator or town administrator somewhere (or a superuser)."""
    return roles.holds_anywhere(user, Role.MODERATOR, Role.TOWN_ADMIN)


class GridAlertsView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "warning"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_run_grid_alerts(request.user):
            raise PermissionDenied
        self.town = None
        if "town_id" in kwargs:
            self.town = queries.access_moderated_town(request.user, kwargs["town_id"])
        return super().dispatch(request, *args, **kwargs)


class IndexView(GridAlertsView):
    template_name = "gridalerts/admin/index.html"
    page_title = gettext_lazy("Alertes réseau")

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["towns"] = [
            {
                "town": town,
                "days": list(queries.recent_signal_days(town)),
                "launches": list(queries.recent_launches(town)),
            }
            for town in queries.moderated_towns(self.request.user)
        ]
        return context


class FormView(GridAlertsView):
    template_name = "gridalerts/admin/form.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.make_form())
        context["submit_label"] = self.submit_label
        context["page_subtitle"] = self.town.title
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                self.form_valid(form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return HttpResponseRedirect(reverse("gridalerts_index"))
        return self.render_to_response(self.get_context_data(form=form))


class SettingsView(FormView):
    page_title = gettext_lazy("Réglages des alertes réseau")
    submit_label = gettext_lazy("Enregistrer")

    def make_form(self, data=None) -> SettingsForm:
        return SettingsForm(data, instance=queries.settings_for(self.town))

    def form_valid(self, form: SettingsForm) -> None:
        actions.do_save_settings(form.save(commit=False))
        messages.success(self.request, _("Réglages enregistrés."))


class StartFlashView(FormView):
    page_title = gettext_lazy("Lancer un défi flash")
    submit_label = gettext_lazy("Lancer le défi")

    def make_form(self, data=None) -> StartFlashForm:
        config = queries.settings_for(self.town)
        return StartFlashForm(
            data,
            initial={
                "domain": config.domain,
                "goal": config.goal,
                "participation_points": config.participation_points,
                "points_per_kwh": config.points_per_kwh,
            },
        )

    def form_valid(self, form: StartFlashForm) -> None:
        data = form.cleaned_data
        challenge = actions.check_start_flash(
            self.request.user,
            self.town,
            FlashSpec(
                title=data["title"],
                day=data["day"],
                hours=data["hours"],
                goal=data["goal"],
                domain=data["domain"],
                participation_points=data["participation_points"],
                points_per_kwh=data["points_per_kwh"],
                reason=data["reason"],
            ),
        )
        messages.success(
            self.request,
            _("Défi flash « %(title)s » lancé.") % {"title": challenge.title},
        )

"""The research export in the Wagtail admin: moderators download two files,
of the towns they moderate (a superuser: every town); whoever sees several
towns may choose one (« Commune »)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from community import roles
from community.admin_towns import town_choices
from mydata.forms import ResearchExportForm
from mydata.queries import is_research_exporter
from mydata.research import build_research_export


class ResearchExportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "mydata/admin/research_export.html"
    page_title = _("Export de recherche")
    header_icon = "download"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_research_exporter(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        what = request.GET.get("telecharger")
        if what in ("export", "pseudonymes"):
            form = ResearchExportForm(request.GET, towns=town_choices(request))
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form))
            chosen = form.cleaned_data.get("town")
            if chosen is not None:
                town_ids = [chosen.pk]
            elif request.user.is_superuser:
                town_ids = None
            else:
                town_ids = roles.town_ids_where(
                    request.user, roles.Role.MODERATOR, roles.Role.TOWN_ADMIN
                )
            export = build_research_export(
                form.cleaned_data["weeks"], town_ids=town_ids
            )
            stamp = timezone.localdate().isoformat()
            # Two separate downloads: the map never travels with the export.
            if what == "export":
                response = HttpResponse(
                    export.zip_bytes(), content_type="application/zip"
                )
                name = f"recherche-{stamp}.zip"
            else:
                response = HttpResponse(
                    export.pseudonym_map_csv, content_type="text/csv; charset=utf-8"
                )
                name = f"pseudonymes-quartiers-{stamp}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store, private"
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "form",
            ResearchExportForm(initial={"weeks": 12}, towns=town_choices(self.request)),
        )
        return context

"""The moderators' coverage report in the Wagtail admin: the towns they moderate
(a superuser: every town, or one chosen with `?town=`)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from ambassadors import coverage
from community.admin_towns import town_choices
from community.models import Neighbourhood

REPORT_PERMISSION = "ambassadors.view_visit"


def can_see_coverage(user) -> bool:
    return user.is_active and user.has_perm(REPORT_PERMISSION)


class CoverageReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "ambassadors/admin/coverage_report.html"
    page_title = _("Couverture des ambassadeurs")
    header_icon = "group"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_see_coverage(request.user):
            raise PermissionDenied
        self.towns = list(town_choices(request))
        chosen = request.GET.get("town", "")
        self.town_ids = [town.pk for town in self.towns]
        if chosen.isdigit() and int(chosen) in self.town_ids:
            self.town_ids = [int(chosen)]
        self.chosen = chosen
        return super().dispatch(request, *args, **kwargs)

    def neighbourhoods(self):
        return Neighbourhood.objects.filter(town__in=self.town_ids)

    def ambassador_rows(self) -> list:
        return coverage.by_ambassador(
            coverage.ambassadors_queryset(self.town_ids), self.town_ids
        )

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        export = request.GET.get("export")
        if export in ("quartiers", "ambassadeurs"):
            if export == "quartiers":
                body = coverage.rows_as_csv(
                    coverage.by_neighbourhood(self.neighbourhoods())
                )
            else:
                body = coverage.rows_as_csv(
                    self.ambassador_rows(), first_column="ambassadeur"
                )
            response = HttpResponse(body, content_type="text/csv; charset=utf-8")
            stamp = timezone.localdate().isoformat()
            response["Content-Disposition"] = (
                f'attachment; filename="couverture-{export}-{stamp}.csv"'
            )
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        neighbourhoods = self.neighbourhoods()
        weeks = coverage.weekly(neighbourhoods)
        context.update(
            neighbourhood_rows=coverage.by_neighbourhood(neighbourhoods),
            ambassador_rows=self.ambassador_rows(),
            weeks=weeks,
            chart=coverage.chart(weeks),
            # The « Commune » filter: for whoever sees several towns.
            towns=self.towns if len(self.towns) > 1 else [],
            chosen_town=self.chosen,
            town_query=f"&town={self.chosen}" if self.chosen.isdigit() else "",
        )
        return context

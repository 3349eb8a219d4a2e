"""The moderators' coverage report in the Wagtail admin (all towns)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from ambassadors import coverage
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
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        export = request.GET.get("export")
        if export in ("quartiers", "ambassadeurs"):
            if export == "quartiers":
                body = coverage.rows_as_csv(
                    coverage.by_neighbourhood(Neighbourhood.objects.all())
                )
            else:
                body = coverage.rows_as_csv(
                    coverage.by_ambassador(coverage.ambassadors_queryset()),
                    first_column="ambassadeur",
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
        neighbourhoods = Neighbourhood.objects.all()
        weeks = coverage.weekly(neighbourhoods)
        context.update(
            neighbourhood_rows=coverage.by_neighbourhood(neighbourhoods),
            ambassador_rows=coverage.by_ambassador(coverage.ambassadors_queryset()),
            weeks=weeks,
            chart=coverage.chart(weeks),
        )
        return context

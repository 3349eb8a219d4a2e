"""Residents' report pages: thin views over reports.actions and queries."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from community.towns import town_for_request
from reports import queries
from reports.access import shows_author


def _town(request: HttpRequest):
    from django.http import Http404

    town = town_for_request(request)
    if town is None:
        raise Http404
    return town


def report_list(request: HttpRequest) -> HttpResponse:
    """The town's reports, newest first, paginated."""
    town = _town(request)
    page = Paginator(queries.visible_reports(town), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "reports/report_list.html", {"town": town, "page": page})


def detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """One report and its timeline."""
    town = _town(request)
    report = queries.access_report(request.user, town, report_id)
    return render(
        request,
        "reports/report_detail.html",
        {
            "town": town,
            "report": report,
            "updates": queries.timeline(report),
            "show_author": shows_author(request.user, report),
        },
    )

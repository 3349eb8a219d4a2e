"""The household dashboard: a Django view, not a page (DESIGN.md)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from challenges.dashboard import dashboard_for
from community.queries import member_of
from community.towns import town_for_request


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    member = member_of(request.user)
    town = town_for_request(request)
    if member is None or member.household is None or town is None:
        raise Http404
    if member.town_id != town.pk:
        raise Http404
    context = dashboard_for(member.household, request.GET.get("periode", ""))
    return TemplateResponse(request, "challenges/dashboard.html", context)

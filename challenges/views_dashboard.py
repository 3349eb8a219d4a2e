"""The household dashboard: a Django view, not a page (DESIGN.md)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from challenges import actions, queries
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
    if queries.has_pending_actions(member.household_id):
        # Before the reads, so the points shown include them. Bounded: one
        # timeout at most when the core is down, nothing while the breaker is open.
        actions.do_send_pending_actions(
            household=member.household, limit=actions.PENDING_BATCH
        )
    context = dashboard_for(member.household, request.GET.get("periode", ""))
    return TemplateResponse(request, "challenges/dashboard.html", context)

"""The public side of the ambassadors: a resident follows an ambassador."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassadors import queries
from community.towns import town_for_request
from feeds import actions as feeds_actions
from feeds.models import FollowKind
from feeds.queries.posts import PEOPLE_KINDS, member_for


@require_POST
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow or stop following the ambassador of a page, then back to the page.

    Following an ambassador is following their member profile (docs/
    ambassadors.md). Anonymous visitors go to the login page and come back to
    the ambassador's page; a signed-in user who is not a member of this town
    gets a 404, as on the feeds' pages.
    """
    town = town_for_request(request)
    if town is None:
        raise Http404
    page = queries.access_public_ambassador(town, slug)
    page_url = page.get_url(request)
    if not request.user.is_authenticated:
        return redirect_to_login(page_url)
    viewer = member_for(request.user, town)
    ambassador = page.ambassador_member(town)
    if viewer is None or ambassador is None:
        raise Http404
    if request.POST.get("action") == "unfollow":
        # Both kinds that put the ambassador's posts in "Mon fil", so that
        # "Ne plus suivre" always takes them out.
        for kind in PEOPLE_KINDS:
            feeds_actions.do_unfollow(viewer, kind, ambassador.pk)
        messages.success(
            request, _("Vous ne suivez plus %(name)s.") % {"name": page.title}
        )
        return redirect(page_url)
    try:
        feeds_actions.do_follow(viewer, FollowKind.MEMBER, ambassador.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Vous suivez %(name)s : ses publications apparaissent dans « Mon fil ».")
            % {"name": page.title},
        )
    return redirect(page_url)

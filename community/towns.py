"""Which town a request is about: the root page of the request's Wagtail Site."""

from django.http import HttpRequest
from wagtail.models import Site

from community.models import TownPage

_CACHE_ATTR = "_smartcitizen_town"


def town_for_request(request: HttpRequest) -> TownPage | None:
    """The TownPage at the root of the request's site, or None on a bare site."""
    if not hasattr(request, _CACHE_ATTR):
        site = Site.find_for_request(request)
        town = None
        if site is not None:
            town = TownPage.objects.filter(pk=site.root_page_id).first()
        setattr(request, _CACHE_ATTR, town)
    return getattr(request, _CACHE_ATTR)

"""Which town a request is about: the root page of the request's Wagtail Site."""

from django.db.models import Case, IntegerField, Q, When
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import (
    MATCH_DEFAULT,
    MATCH_HOSTNAME,
    MATCH_HOSTNAME_DEFAULT,
    MATCH_HOSTNAME_PORT,
)

from community.models import TownPage

_CACHE_ATTR = "_smartcitizen_town"


def _site_and_town(request: HttpRequest) -> tuple[Site | None, TownPage | None]:
    """Wagtail's `Site.find_for_request`, with the site's TownPage in the same query.

    The choice is Wagtail's `get_site_for_hostname` (wagtail/models/sites.py):
    the hostname and port, then the hostname of the default site, then the
    default site unless exactly one site has the hostname. The town is joined
    (`root_page__townpage`) instead of read by a second query: every page asks
    for it, and nothing is kept between requests, so a renamed or moved town
    shows at once.
    """
    # `_get_raw_host` as Wagtail does: no ALLOWED_HOSTS check here.
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    sites = list(
        Site.objects.annotate(
            match=Case(
                When(hostname=hostname, port=port, then=MATCH_HOSTNAME_PORT),
                When(
                    hostname=hostname, is_default_site=True, then=MATCH_HOSTNAME_DEFAULT
                ),
                When(is_default_site=True, then=MATCH_DEFAULT),
                default=MATCH_HOSTNAME,
                output_field=IntegerField(),
            )
        )
        .filter(Q(hostname=hostname) | Q(is_default_site=True))
        .order_by("match")
        .select_related("root_page__townpage")
    )
    if not sites:
        return None, None
    if len(sites) == 1 or sites[0].match in (  # type: ignore[attr-defined]
        MATCH_HOSTNAME_PORT,
        MATCH_HOSTNAME_DEFAULT,
    ):
        site = sites[0]
    elif sites[0].match == MATCH_DEFAULT:  # type: ignore[attr-defined]
        # The default site, unless exactly one other site has the hostname.
        site = sites[len(sites) == 2]
    else:
        return None, None
    try:
        town = site.root_page.townpage
    except TownPage.DoesNotExist:
        town = None
    return site, town


def town_for_request(request: HttpRequest) -> TownPage | None:
    """The TownPage at the root of the request's site, or None on a bare site."""
    if not hasattr(request, _CACHE_ATTR):
        if hasattr(request, "_wagtail_site"):
            # Wagtail found the site already (a page it served).
            site = request._wagtail_site
            town = (
                TownPage.objects.filter(pk=site.root_page_id).first()
                if site is not None
                else None
            )
        else:
            site, town = _site_and_town(request)
            # Wagtail's own callers (page URLs, routing) reuse it.
            request._wagtail_site = site
        setattr(request, _CACHE_ATTR, town)
    return getattr(request, _CACHE_ATTR)
